import {
  fieldValues,
  type HeaderField,
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
  if (!fields.some(isViaField)) return { raw, via: null };
  return { raw: joinMessage(withoutFields(fields, VIA_HEADER), rest), via: viaOf(fields) };
}

/** The source the `X-Scripts-Email-Via` fields of a header block say, if any. */
export function viaOf(fields: HeaderField[]): Via {
  const values = fieldValues(fields, VIA_HEADER);
  return values.some((v) => v.trim().toLowerCase() === "sendmail") ? "sendmail" : null;
}

const isViaField = (field: HeaderField) => field.name.toLowerCase() === VIA_HEADER.toLowerCase();
