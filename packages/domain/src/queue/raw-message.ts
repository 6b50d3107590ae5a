/** What ingest needs from a message's header block, read without parsing the whole MIME tree. */
export interface HeaderSummary {
  subject: string;
  messageId: string | null;
  originatingScript: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  from: string | null;
}

const MAX_HEADERS = 1000;

/** The header block (up to the first empty line), unfolded, as [name, value] pairs. */
export function readHeaders(raw: Buffer): Array<[string, string]> {
  const text = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString("latin1");
  const end = text.search(/\r?\n\r?\n/);
  const block = end === -1 ? text : text.slice(0, end);
  const headers: Array<[string, string]> = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1]!;
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    if (headers.length >= MAX_HEADERS) break;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return headers.map(([name, value]) => [name, Buffer.from(value, "latin1").toString("utf8")]);
}

/** Decodes RFC 2047 encoded-words (=?charset?B|Q?text?=); unknown charsets are left as they are. */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(
      /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
      (whole, charset: string, enc: string, text: string) => {
        try {
          const bytes =
            enc.toUpperCase() === "B"
              ? Buffer.from(text, "base64")
              : Buffer.from(
                  text
                    .replace(/_/g, " ")
                    .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) =>
                      String.fromCharCode(Number.parseInt(h, 16)),
                    ),
                  "latin1",
                );
          return new TextDecoder(charset.toLowerCase().split("*")[0], { fatal: false }).decode(
            bytes,
          );
        } catch {
          return whole;
        }
      },
    );
}

/** Bare addresses from an address-list header value (`"Name" <a@b>, c@d`). */
export function addressesOf(value: string): string[] {
  const found: string[] = [];
  for (const part of value.replace(/\([^)]*\)/g, "").split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const angle = /<([^>]*)>/.exec(part);
    const address = (angle ? angle[1]! : part.replace(/"[^"]*"/g, "")).trim();
    if (address.includes("@")) found.push(address);
  }
  return found;
}

export function summarizeHeaders(raw: Buffer): HeaderSummary {
  const headers = readHeaders(raw);
  const all = (name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
  const first = (name: string) => all(name)[0] ?? null;
  return {
    subject: decodeWords(first("subject") ?? "").slice(0, 998),
    messageId: first("message-id")?.slice(0, 998) ?? null,
    originatingScript: first("x-php-originating-script")?.slice(0, 1000) ?? null,
    to: all("to").flatMap(addressesOf),
    cc: all("cc").flatMap(addressesOf),
    bcc: all("bcc").flatMap(addressesOf),
    from: first("from"),
  };
}
