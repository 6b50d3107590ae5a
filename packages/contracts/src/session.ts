import { z } from "zod";
import { emailAddress, locale, userRole } from "./common.ts";

export const loginRequest = z.object({
  email: emailAddress,
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const me = z.object({
  id: z.string(),
  email: z.string(),
  role: userRole,
  locale,
  /** Send back as `X-CSRF-Token` on every cookie-authenticated mutation; null for bearer tokens. */
  csrfToken: z.string().nullable(),
});
export type Me = z.infer<typeof me>;
