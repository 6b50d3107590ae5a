import { parseHeaders } from "../message/message-headers.ts";
import { storableOrNull, storableText } from "../shared/storable-text.ts";

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

/**
 * The header fields ingest stores, as text the database can hold: an encoded-word may decode to
 * anything (`=?UTF-8?B?AA==?=` is a NUL), and a single message must never fail a commit it
 * shares with other hostings' mail.
 */
export function summarizeHeaders(raw: Buffer): HeaderSummary {
  const headers = parseHeaders(raw, 1000);
  const all = (name: string) =>
    headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  const first = (name: string) => all(name)[0] ?? null;
  return {
    subject: storableText(decodeWords(first("subject") ?? "").slice(0, 998)),
    messageId: storableOrNull(first("message-id")?.slice(0, 998) ?? null),
    originatingScript: storableOrNull(first("x-php-originating-script")?.slice(0, 1000) ?? null),
    to: all("to").flatMap(addressesOf),
    cc: all("cc").flatMap(addressesOf),
    bcc: all("bcc").flatMap(addressesOf),
    from: first("from"),
  };
}
