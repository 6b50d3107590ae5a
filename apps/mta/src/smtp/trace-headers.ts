import { randomUUID } from "node:crypto";
import { uuidV7 } from "@scripts-email/domain";
import {
  fieldValues,
  hasField,
  MAX_HEADER_BYTES,
  splitMessage,
} from "@scripts-email/domain/header-block";
import { rfc5322Date } from "../cli/sendmail-message.ts";
import { checkFromHeader, type SenderCheck, type SenderHosting } from "./sender-check.ts";
import { VIA_HEADER } from "./via-header.ts";

export interface SubmissionContext {
  /** This server's name, as in the greeting. */
  serverName: string;
  /** The session was under TLS (`ESMTPSA` rather than `ESMTPA`, RFC 3848). */
  secure: boolean;
  /** `MAIL FROM`, already checked: the From of a message that has none. */
  envelopeFrom: string;
  now: Date;
}

export type PreparedSubmission =
  | { ok: true; raw: Buffer; id: string }
  | Extract<SenderCheck, { ok: false }>;

const CRLF = Buffer.from("\r\n");

/**
 * What every message gets between the end of DATA and its commit: its `From:` checked against
 * the hosting's sender domains, then the trace of where it came from. A `Received:` line is
 * prepended (RFC 5321 §4.4: it names the hosting that authenticated, how it submitted and the
 * queue id the message is stored under); `From:` (the envelope sender), `Date:` and `Message-ID:`
 * are appended when missing, as Postfix's cleanup does. Nothing else of the client's header block
 * moves, so signatures over it still verify. `id` is the queue id to store the message under.
 */
export function prepareSubmission(
  raw: Buffer,
  hosting: SenderHosting,
  context: SubmissionContext,
): PreparedSubmission {
  const { fields, rest } = splitMessage(raw);
  if (fields.length > 0 && headerScanCut(raw.length - rest.length, rest)) {
    // the From: checked must be the one recipients read, wherever it is in the block
    return { ok: false, code: 552, text: "5.6.0 Message refused: the header block is too large" };
  }
  const sender = checkFromHeader(fields, hosting);
  if (!sender.ok) return sender;

  const id = uuidV7(context.now);
  const via = fieldValues(fields, VIA_HEADER).some((v) => v.toLowerCase() === "sendmail");
  const name = hosting.serviceName;
  const received =
    `Received: from ${name} (authenticated as ${name}${via ? " via sendmail" : ""})\r\n` +
    `\tby ${context.serverName} (Scripts-email) with ${context.secure ? "ESMTPSA" : "ESMTPA"}` +
    ` id ${id};\r\n\t${rfc5322Date(context.now)}\r\n`;

  const added: string[] = [];
  if (!hasField(fields, "from") && context.envelopeFrom !== "") {
    added.push(`From: ${context.envelopeFrom}\r\n`);
  }
  if (!hasField(fields, "date")) added.push(`Date: ${rfc5322Date(context.now)}\r\n`);
  if (!hasField(fields, "message-id")) added.push(`Message-ID: <${randomUUID()}@${name}>\r\n`);

  const header = raw.subarray(0, raw.length - rest.length);
  const parts = [Buffer.from(received, "latin1"), header];
  if (added.length > 0) {
    if (header.length > 0 && header[header.length - 1] !== 0x0a) parts.push(CRLF);
    parts.push(Buffer.from(added.join(""), "latin1"));
    // a body that followed the headers without the empty line must not read as a header now
    if (rest.length > 0 && !startsWithLineEnd(rest)) parts.push(CRLF);
  }
  parts.push(rest);
  return { ok: true, raw: Buffer.concat(parts), id };
}

function startsWithLineEnd(buffer: Buffer): boolean {
  return buffer[0] === 0x0a || (buffer[0] === 0x0d && buffer[1] === 0x0a);
}

/**
 * Whether the header scan stopped at its size limit rather than at the end of the block: it
 * reached the limit, or what follows is still a continuation line or a header field
 * (splitMessage takes every field it reaches, so a body line of that shape would be one).
 */
function headerScanCut(headerBytes: number, rest: Buffer): boolean {
  if (rest.length === 0 || startsWithLineEnd(rest)) return false;
  if (headerBytes >= MAX_HEADER_BYTES || rest[0] === 0x20 || rest[0] === 0x09) return true;
  const line = rest.subarray(0, Math.min(rest.length, 1000)).toString("latin1");
  return /^[\x21-\x39\x3b-\x7e]+:/.test(line);
}
