import { z } from "zod";

export const health = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "unreachable"]),
  uptimeSeconds: z.number(),
});
export type Health = z.infer<typeof health>;
