export interface Header {
  name: string;
  value: string;
}

export const MAX_HEADERS = 200;
/** Headers beyond this many bytes are not looked at: a header block is rarely over a few KiB. */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * The header fields of a raw RFC 5322 message: folded lines are unfolded, parsing stops at the
 * first empty line (the body), lines that are not fields are skipped.
 */
export function parseHeaders(raw: Uint8Array, max = MAX_HEADERS): Header[] {
  const text = new TextDecoder("utf-8").decode(raw.subarray(0, MAX_HEADER_BYTES));
  const headers: Header[] = [];
  let current: Header | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (current) current.value = `${current.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) {
      current = null;
      continue;
    }
    if (headers.length >= max) break;
    current = { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    headers.push(current);
  }
  return headers;
}
