import MailComposer from "nodemailer/lib/mail-composer";

/** The product's own mail (reports, alerts, test mail): text, and optionally HTML as an alternative. */
export interface SystemMail {
  from: string;
  fromName: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  date: Date;
  /**
   * Marks the message `Auto-Submitted: auto-generated` (RFC 3834), so that vacation responders
   * do not answer it; default true. A test message asked for by a person is not.
   */
  autoSubmitted?: boolean;
}

// A bare address with nothing that could end a header or open another one.
const ADDRESS = /^[^\s<>()",;:\\[\]@]+@[^\s<>()",;:\\[\]@]+$/;

/** Throws on anything but a bare address: header values built from it cannot be injected. */
export function assertHeaderAddress(address: string): string {
  if (!ADDRESS.test(address))
    throw new Error(`not a bare e-mail address: ${JSON.stringify(address)}`);
  return address;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * A complete RFC 5322 message, composed by nodemailer: multipart/alternative when there is HTML.
 * The addresses are checked first (and synchronously, so a bad one throws at the call), because
 * nodemailer would read "Name <a@b>" or a list as an address instead of refusing it. Parts are
 * base64.
 */
export function buildSystemMail(mail: SystemMail): Promise<Buffer> {
  const from = assertHeaderAddress(mail.from);
  const to = assertHeaderAddress(mail.to);
  const part = (content: string) => ({
    // CRLF inside the encoding too: text is read as lines of CRLF, whoever decodes it
    content: content.replace(/\r?\n/g, "\r\n"),
    contentType: "text/plain; charset=utf-8",
    contentTransferEncoding: "base64",
  });
  return new MailComposer({
    from: { name: mail.fromName, address: from },
    to,
    subject: mail.subject,
    date: mail.date,
    text: part(mail.text),
    ...(mail.html === undefined
      ? {}
      : { html: { ...part(mail.html), contentType: "text/html; charset=utf-8" } }),
    ...(mail.autoSubmitted === false ? {} : { headers: { "Auto-Submitted": "auto-generated" } }),
    // encoded words in base64, like the parts
    textEncoding: "base64",
  })
    .compile()
    .build();
}
