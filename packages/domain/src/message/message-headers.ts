import { splitMessage } from "./header-block.ts";

export interface Header {
  name: string;
  value: string;
}

export const MAX_HEADERS = 200;

/**
 * The header fields of a raw RFC 5322 message, to show and summarise: folded lines are unfolded,
 * parsing stops at the first empty line (the body), lines that are not fields are skipped.
 */
export function parseHeaders(raw: Uint8Array, max = MAX_HEADERS): Header[] {
  return splitMessage(raw, { lenient: true, maxFields: max }).fields.map(({ name, value }) => ({
    name,
    value,
  }));
}
