import {
  type CreateTokenRequest,
  createdToken,
  createTokenRequest,
} from "@scripts-email/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { api } from "../../../lib/api-client.ts";
import { tokenKeys } from "./get-tokens.ts";

export const createTokenInput = createTokenRequest;
export type CreateTokenInput = z.input<typeof createTokenInput>;

export function createToken(input: CreateTokenInput) {
  const body: CreateTokenRequest = createTokenInput.parse(input);
  return api.post("/api/tokens", createdToken, body);
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokenKeys.all }),
  });
}
