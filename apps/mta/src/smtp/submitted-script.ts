import { scriptOf } from "@scripts-email/domain";
import { fieldValues, splitMessage } from "@scripts-email/domain/header-block";
import { MAX_HEADER_FIELDS } from "./message-hygiene.ts";
import { viaOf } from "./via-header.ts";

/**
 * The script a received message counts under, as ingest reads it (scriptOf): for refusals after
 * DATA, whose message is never stored. Reads the header block only (as summarizeHeaders does), at most MAX_HEADER_FIELDS.
 */
export function submittedScript(raw: Buffer): string {
  const { fields } = splitMessage(raw, { lenient: true, maxFields: MAX_HEADER_FIELDS });
  const originating = fieldValues(fields, "x-php-originating-script")[0] ?? null;
  return scriptOf(originating, viaOf(fields) ?? "smtp");
}
