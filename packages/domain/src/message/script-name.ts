import type { MessageSource } from "@scripts-email/db";
import { storableText } from "../shared/storable-text.ts";

/** The longest script name kept: a path longer than this is cut (the panel shows the start). */
export const MAX_SCRIPT_LENGTH = 255;

/** The uid PHP writes before the script's file in X-PHP-Originating-Script (`1000:contact.php`). */
const UID_PREFIX = /^[0-9]+:/;
/** The blanks trimmed: the ones SQL's `btrim` is given in SCRIPT_SQL, so that both agree. */
const BLANKS = /^[ \t\r\n]+|[ \t\r\n]+$/g;

/**
 * The script a message is counted under (`Message.script`, the per-script view, held scripts,
 * refusals): its `X-PHP-Originating-Script` without the `uid:` PHP puts first, trimmed and cut
 * to MAX_SCRIPT_LENGTH characters, as text the database can hold; without one (or an empty one),
 * the submission kind: `smtp`, `sendmail`, `panel` or `system`.
 *
 * SCRIPT_SQL is the same rule in SQL, for rows that only have the two columns.
 */
export function scriptOf(originatingScript: string | null, source: MessageSource): string {
  const name = [...(originatingScript ?? "").replace(UID_PREFIX, "").replace(BLANKS, "")]
    .slice(0, MAX_SCRIPT_LENGTH)
    .join("");
  return name === "" ? source : storableText(name);
}

/**
 * `scriptOf` as an SQL expression over a message row's `"originatingScript"` and `source`: the
 * migration script_rule set existing rows with it (script-name.test.ts checks that both agree,
 * and that the migration uses it).
 */
export const SCRIPT_SQL = `COALESCE(NULLIF(left(btrim(regexp_replace("originatingScript", '^[0-9]+:', ''), E' \\t\\r\\n'), ${MAX_SCRIPT_LENGTH}), ''), source::text)`;
