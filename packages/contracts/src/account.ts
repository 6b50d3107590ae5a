import { z } from "zod";
import { isoDateTime, singleLine } from "./common.ts";

/** A token lives at most a year: a forgotten token in an old script stops working by itself. */
export const TOKEN_MAX_DAYS = 365;
export const TOKEN_DEFAULT_DAYS = 90;
/** The same rule as `user:create` applies to a new password. */
export const PASSWORD_MIN_LENGTH = 8;

export const createTokenRequest = z.object({
  name: singleLine(100).pipe(z.string().min(1)),
  /** Whole days from now, 1 to 365. */
  expiresInDays: z.number().int().min(1).max(TOKEN_MAX_DAYS).default(TOKEN_DEFAULT_DAYS),
});
export type CreateTokenRequest = z.infer<typeof createTokenRequest>;

/** A token as listed: never the secret, only the first characters to recognise it by. */
export const apiToken = z.object({
  id: z.string(),
  name: z.string(),
  /** The token's first characters, e.g. `se_AbC1234`. */
  prefix: z.string(),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  expiresAt: isoDateTime,
});
export type ApiToken = z.infer<typeof apiToken>;
export const apiTokenList = z.array(apiToken);

export const createdToken = apiToken.extend({
  /** Shown once: only its hash is stored. */
  token: z.string(),
});
export type CreatedToken = z.infer<typeof createdToken>;

export const tokenParams = z.object({ id: z.uuid() });

export const changePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(PASSWORD_MIN_LENGTH).max(1024),
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;
