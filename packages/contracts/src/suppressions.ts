import { z } from "zod";
import { isoDateTime, serviceName } from "./common.ts";
import { reason } from "./email.ts";

/**
 * The hosting's suppression list: recipients whose mail failed for good with a 5.1.x reply (no
 * such mailbox, bad address). New mail to them is refused at RCPT TO until they expire or are
 * removed.
 */
export const suppressionListQuery = z.object({
  /** Part of the address (case-insensitive): its start, or anywhere in it. */
  q: z.string().trim().max(254).optional(),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SuppressionListQuery = z.infer<typeof suppressionListQuery>;

export const suppressionEntry = z.object({
  /** Lower-case. */
  address: z.string(),
  /** The relay's reply that put it on the list. */
  reason: z.string(),
  addedAt: isoDateTime,
  expiresAt: isoDateTime,
});
export type SuppressionEntry = z.infer<typeof suppressionEntry>;

export const suppressionPage = z.object({
  /** By address. */
  items: z.array(suppressionEntry),
  nextCursor: z.string().nullable(),
});
export type SuppressionPage = z.infer<typeof suppressionPage>;

export const suppressionParams = z.object({
  serviceName,
  address: z.string().trim().min(1).max(254),
});

export const suppressionRemoveRequest = z.object({
  /** Required from support (audited). */
  reason: reason.optional(),
});
export type SuppressionRemoveRequest = z.infer<typeof suppressionRemoveRequest>;
