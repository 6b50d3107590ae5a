import { z } from "zod";
import { actorRole, isoDateTime, serviceName } from "./common.ts";

export const auditQuery = z.object({
  serviceName: serviceName.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEntry = z.object({
  at: isoDateTime,
  actorEmail: z.string().nullable(),
  actorRole,
  /** e.g. `email.block`, `email.report_recipient`. */
  action: z.string(),
  serviceName: z.string().nullable(),
  reason: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditList = z.array(auditEntry);
