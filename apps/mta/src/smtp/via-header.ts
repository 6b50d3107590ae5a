import {
  fieldValues,
  joinMessage,
  splitMessage,
  withoutFields,
} from "@scripts-email/domain/header-block";

/** Header the sendmail command adds so that ingest records the message's source as "sendmail". */
export const VIA_HEADER = "X-Scripts-Email-Via";

export type Via = "sendmail" | null;

/**
 * Reads and removes every `X-Scripts-Email-Via` header from the header block, leaving every
 * other byte of the message as it was received.
 */
export function takeViaHeader(raw: Buffer): { raw: Buffer; via: Via } {
  const { fields, rest } = splitMessage(raw);
  const values = fieldValues(fields, VIA_HEADER);
  if (values.length === 0) return { raw, via: null };
  const via = values.some((v) => v.trim().toLowerCase() === "sendmail") ? "sendmail" : null;
  return { raw: joinMessage(withoutFields(fields, VIA_HEADER), rest), via };
}
