import { z } from "zod";

/** What a signed-out panel may know about the installation. */
export const serverInfo = z.object({
  /** `capture`: no upstream relay is configured; delivered mail is written to files, not sent. */
  deliveryMode: z.enum(["relay", "capture"]),
});
export type ServerInfo = z.infer<typeof serverInfo>;
