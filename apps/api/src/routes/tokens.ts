import {
  apiTokenList,
  createdToken,
  createTokenRequest,
  tokenParams,
} from "@scripts-email/contracts";
import { DomainError } from "@scripts-email/domain";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { actorOf } from "../plugins/auth.ts";
import { SIGNED_IN } from "../plugins/openapi.ts";
import { errorResponses, type RouteOptions } from "./common.ts";

const COOKIE_ONLY = [{ cookieAuth: [] }];

export const tokenRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { services }) => {
  app.get(
    "/tokens",
    {
      schema: {
        tags: ["session"],
        summary: "Your personal API tokens, newest first (never the token itself)",
        security: SIGNED_IN,
        response: { 200: apiTokenList, ...errorResponses },
      },
    },
    async (request) => services.account.listApiTokens(actorOf(request)),
  );

  app.post(
    "/tokens",
    {
      schema: {
        tags: ["session"],
        summary:
          "Create a personal API token valid for expiresInDays (1–365, default 90); it is shown only in this answer. Needs a signed-in session: a token cannot make tokens",
        security: COOKIE_ONLY,
        body: createTokenRequest,
        response: { 201: createdToken, ...errorResponses },
      },
    },
    async (request, reply) => {
      // a leaked token that could mint others would outlive its own revocation
      if (request.auth?.kind !== "cookie") throw new DomainError("forbidden");
      const { name, expiresInDays } = request.body;
      const token = await services.auth.createApiToken(actorOf(request), name, expiresInDays);
      return reply.code(201).send(token);
    },
  );

  app.delete(
    "/tokens/:id",
    {
      schema: {
        tags: ["session"],
        summary: "Revoke one of your tokens; it stops working at once",
        security: SIGNED_IN,
        params: tokenParams,
        response: { 204: z.undefined(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await services.account.revokeApiToken(actorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
};
