import { z } from "zod";
import { me } from "./session.ts";

/** `GET /api/session`: who is signed in, or null; never a 401, so a signed-out load is quiet. */
export const sessionState = z.object({ user: me.nullable() });
export type SessionState = z.infer<typeof sessionState>;
