import addressparser from "nodemailer/lib/addressparser";
import { decodeWords } from "../message/encoded-words.ts";
import { parseHeaders } from "../message/message-headers.ts";
import { storableOrNull, storableText } from "../shared/storable-text.ts";

export { decodeWords };

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

/** Bare addresses from an address-list header value (`"Name" <a@b>, c@d`), by nodemailer's parser. */
export function addressesOf(value: string): string[] {
  return addressparser(value, { flatten: true })
    .map((a) => a.address.trim())
    .filter((address) => address.includes("@"));
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
