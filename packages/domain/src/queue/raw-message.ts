import libmime from "libmime";
import addressparser from "nodemailer/lib/addressparser";
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

const ENCODED_WORD = /=\?([^?]+)\?[bBqQ]\?[^?]*\?=/g;

/**
 * Decodes RFC 2047 encoded-words (=?charset?B|Q?text?=) with libmime, which joins adjacent words
 * of one charset before decoding, so that a character split across two words (`=?UTF-8?Q?=C3?=
 * =?UTF-8?Q?=A9?=`) reads "é", not two U+FFFD. A word in a charset libmime does not know (it
 * would read it as UTF-8) is left as it is, and so is the text around it.
 */
export function decodeWords(value: string): string {
  if (!value.includes("=?")) return value;
  let decoded = "";
  let from = 0;
  for (const word of value.matchAll(ENCODED_WORD)) {
    if (knownCharset(word[1]!)) continue;
    decoded += libmime.decodeWords(value.slice(from, word.index)) + word[0];
    from = word.index + word[0].length;
  }
  return decoded + libmime.decodeWords(value.slice(from));
}

/** Charset names seen, and whether libmime knows them: asking builds a decoding stream. */
const charsets = new Map<string, boolean>();

function knownCharset(name: string): boolean {
  const key = name.toLowerCase();
  let known = charsets.get(key);
  if (known === undefined) {
    known = libmime.createDecodeStream(key.split("*")[0]).supported;
    // names come from mail: keep the map small whatever arrives
    if (charsets.size >= 64) charsets.clear();
    charsets.set(key, known);
  }
  return known;
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
