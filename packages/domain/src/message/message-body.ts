import type { MessageBody } from "@scripts-email/contracts";
import { simpleParser } from "mailparser";

/**
 * The largest stored message whose body is parsed for reading, unless configured: the SMTP
 * server's default size limit. Parsing holds the whole message and its decoded parts in memory.
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * A stored message as its reader sees it: the text part and the HTML part as they were sent
 * (nothing derived: a message without a text part has `text: null`), and the attachments' names,
 * types and sizes, never their content. `cid:` image links are kept as they are rather than
 * inlined as data URLs, so that no attachment content reaches the reader.
 */
export async function parseMessageBody(raw: Uint8Array): Promise<MessageBody> {
  const parsed = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    keepCidLinks: true,
  });
  const html = typeof parsed.html === "string" ? parsed.html : null;
  // with skipHtmlToText, an HTML-only message comes back with an empty text: there is no text part
  const text = html !== null && !parsed.text ? null : (parsed.text ?? null);
  return {
    text,
    html,
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.size,
    })),
  };
}
