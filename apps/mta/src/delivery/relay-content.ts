import type { DeliveryJob } from "@scripts-email/domain";
import { splitMessage } from "@scripts-email/domain/header-block";
import addressparser from "nodemailer/lib/addressparser";
import { has8bit, reencodeParts } from "../mime/reencode-parts.ts";

export interface FitContent {
  /** The content as it goes to this relay. */
  raw: Buffer;
  /** Recipients this relay cannot take (they fail, kind `message`), with `text` as the reason. */
  unsendable: Set<string>;
  text: string;
}

const NON_ASCII = /[\u0080-\uffff]/;
const ADDRESS_FIELDS = new Set(["from", "sender", "reply-to", "to", "cc", "bcc"]);

/**
 * Makes the message fit what the relay offered, as Postfix does:
 * - no 8BITMIME: 8-bit leaf parts go as quoted-printable (Postfix's default,
 *   `disable_mime_output_conversion = no`); 8-bit bytes in headers are left as they are, as
 *   Postfix leaves them (there is no encoding to choose for them).
 * - no SMTPUTF8: mail that needs it cannot go (Postfix with `smtputf8_enable`: "SMTPUTF8 is
 *   required, but was not offered"): a UTF-8 sender, or a UTF-8 address in From/To/Cc/…,
 *   fails every recipient; a UTF-8 recipient fails alone and the others still go. This is
 *   decided here and not at ingest because only the relay's EHLO tells whether it is needed.
 */
export async function fitForRelay(
  job: DeliveryJob,
  extensions: ReadonlySet<string>,
): Promise<FitContent> {
  const unsendable = new Set<string>();
  let text = "";
  if (!extensions.has("SMTPUTF8")) {
    const why = NON_ASCII.test(job.envelopeFrom)
      ? "the sender address"
      : headerAddressesNeedUtf8(job.raw)
        ? "an address in the message's header"
        : null;
    for (const recipient of job.recipients) {
      if (why !== null || NON_ASCII.test(recipient)) unsendable.add(recipient);
    }
    text = `5.6.7 SMTPUTF8 is required (${why ?? "the recipient address"} is not ASCII), but was not offered by the relay`;
  }
  let raw = job.raw;
  if (!extensions.has("8BITMIME") && has8bit(raw)) {
    raw = (
      await reencodeParts(raw, (node, body) => node.encoding !== "base64" && has8bit(body), {
        sevenBit: true,
      })
    ).raw;
  }
  return { raw, unsendable, text };
}

/** Whether an address (not a display name) in an address field has non-ASCII characters. */
function headerAddressesNeedUtf8(raw: Buffer): boolean {
  const { fields } = splitMessage(raw);
  for (const field of fields) {
    if (!ADDRESS_FIELDS.has(field.name.toLowerCase()) || !NON_ASCII.test(field.value)) continue;
    const addresses = addressparser(field.value, { flatten: true });
    if (addresses.some((a) => NON_ASCII.test(a.address))) return true;
  }
  return false;
}
