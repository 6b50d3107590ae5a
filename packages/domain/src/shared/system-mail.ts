import { randomToken } from "./secrets.ts";

/** The product's own mail (reports, alerts): text, and optionally HTML as an alternative. */
export interface SystemMail {
  from: string;
  fromName: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  date: Date;
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
 * RFC 2047 encoded-words (UTF-8, base64), folded so that no line gets long. Whatever the value
 * holds (line breaks included) stays inside the encoding: it cannot add a header.
 */
export function encodeHeaderWords(value: string): string {
  const words: string[] = [];
  let chunk = "";
  for (const char of value) {
    if (Buffer.byteLength(chunk + char) > 39) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk || words.length === 0) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString("base64")}?=`).join("\r\n ");
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text.replace(/\r?\n/g, "\r\n"), "utf8")
      .toString("base64")
      .match(/.{1,76}/g)
      ?.join("\r\n") ?? ""
  );
}

function part(type: "plain" | "html", body: string): string[] {
  return [
    `Content-Type: text/${type}; charset=utf-8`,
    "Content-Transfer-Encoding: base64",
    "",
    base64Lines(body),
  ];
}

/** A complete RFC 5322 message: multipart/alternative when there is HTML. */
export function buildSystemMail(mail: SystemMail): Buffer {
  const from = assertHeaderAddress(mail.from);
  const to = assertHeaderAddress(mail.to);
  const domain = from.split("@")[1];
  const headers = [
    `From: ${encodeHeaderWords(mail.fromName)} <${from}>`,
    `To: <${to}>`,
    `Subject: ${encodeHeaderWords(mail.subject)}`,
    `Date: ${mail.date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${randomToken(12)}@${domain}>`,
    "Auto-Submitted: auto-generated",
    "MIME-Version: 1.0",
  ];
  if (mail.html === undefined) {
    return Buffer.from([...headers, ...part("plain", mail.text), ""].join("\r\n"), "utf8");
  }
  const boundary = `=_scripts-email_${randomToken(12)}`;
  return Buffer.from(
    [
      ...headers,
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      ...part("plain", mail.text),
      `--${boundary}`,
      ...part("html", mail.html),
      `--${boundary}--`,
      "",
    ].join("\r\n"),
    "utf8",
  );
}
