const REPLACEMENT = "\uFFFD";

/**
 * Text as PostgreSQL can hold it: a `text` column refuses U+0000 (22021) and `jsonb` refuses its
 * escape (22P05); a lone UTF-16 surrogate is no character at all (node-postgres would send it as
 * U+FFFD, jsonb refuses its escape). Each becomes U+FFFD, as a decoder does with a byte it cannot
 * read. Only for what is shown and searched (subject, addresses…): the message's own bytes are
 * stored untouched.
 */
export function storableText(value: string): string {
  return value
    .replaceAll("\0", REPLACEMENT)
    .replace(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      REPLACEMENT,
    );
}

export function storableOrNull(value: string | null): string | null {
  return value === null ? null : storableText(value);
}
