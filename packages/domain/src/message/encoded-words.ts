import libmime from "libmime";

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
