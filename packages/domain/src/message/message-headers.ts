import { decodeWords } from "./encoded-words.ts";
import { splitMessage } from "./header-block.ts";

export interface Header {
  name: string;
  value: string;
}

export const MAX_HEADERS = 200;

/**
 * The header fields of a raw RFC 5322 message, to show and summarise: folded lines are unfolded,
 * parsing stops at the first empty line (the body), lines that are not fields are skipped.
 * Values are as sent (encoded words kept): ingest reads addresses from them.
 */
export function parseHeaders(raw: Uint8Array, max = MAX_HEADERS): Header[] {
  return splitMessage(raw, { lenient: true, maxFields: max }).fields.map(({ name, value }) => ({
    name,
    value,
  }));
}

/**
 * The header fields as a reader sees them (the message detail): RFC 2047 encoded words
 * (`=?UTF-8?B?…?=`) decoded, in any header, with libmime; a word in a charset it does not know
 * stays as it is.
 */
export function readableHeaders(raw: Uint8Array, max = MAX_HEADERS): Header[] {
  return parseHeaders(raw, max).map(({ name, value }) => ({ name, value: decodeWords(value) }));
}
