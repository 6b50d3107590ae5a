import {
  fieldValues,
  type HeaderField,
  hasField,
  joinMessage,
  splitMessage,
  withoutFields,
} from "@scripts-email/domain/header-block";
import addressparser from "nodemailer/lib/addressparser";
import { VIA_HEADER } from "../smtp/via-header.ts";
import { randomUuid } from "./random-uuid.ts";
import { EX_DATAERR, ExitError } from "./sysexits.ts";

export interface PrepareOptions {
  extractRecipients: boolean;
  sender: string | null;
  fullName: string | null;
  recipients: string[];
  /** Used for a sender and Message-ID domain the message does not give. */
  localUser: string;
  hostname: string;
  now: Date;
}

export interface PreparedMessage {
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
}

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/;

/**
 * Turns what a script piped in into what is submitted: CRLF line ends, recipients from the
 * arguments (and the headers with -t), no Bcc header, and the Date, Message-ID and From headers
 * a bare script message often lacks, plus the header that marks it as sent through sendmail.
 */
export function prepareMessage(input: Buffer, options: PrepareOptions): PreparedMessage {
  if (input.length === 0) throw new ExitError(EX_DATAERR, "empty message on standard input");
  const { fields, rest } = splitMessage(toCrlf(input));

  const recipients = [...options.recipients];
  if (options.extractRecipients) {
    for (const name of ["to", "cc", "bcc"]) {
      for (const value of fieldValues(fields, name)) recipients.push(...mailboxes(value));
    }
  }
  const unique = dedupe(recipients);
  if (unique.length === 0) {
    throw new ExitError(
      EX_DATAERR,
      options.extractRecipients
        ? "no recipients: the message has no To, Cc or Bcc address and none was given"
        : "no recipients given (use -t to read them from the message)",
    );
  }
  const bad = unique.find((r) => !ADDRESS.test(r));
  if (bad !== undefined) throw new ExitError(EX_DATAERR, `invalid recipient address "${bad}"`);

  const fromHeader = fieldValues(fields, "from")[0];
  const fromAddress = fromHeader === undefined ? undefined : mailboxes(fromHeader)[0];
  const envelopeFrom = options.sender ?? fromAddress ?? `${options.localUser}@${options.hostname}`;
  if (envelopeFrom !== "" && !ADDRESS.test(envelopeFrom)) {
    throw new ExitError(EX_DATAERR, `invalid sender address "${envelopeFrom}"`);
  }

  const added: string[] = [];
  if (fromHeader === undefined) {
    const address = envelopeFrom || `${options.localUser}@${options.hostname}`;
    added.push(
      options.fullName ? `From: ${displayName(options.fullName)} <${address}>` : `From: ${address}`,
    );
  }
  if (!hasField(fields, "date")) added.push(`Date: ${rfc5322Date(options.now)}`);
  if (!hasField(fields, "message-id")) {
    const domain = (envelopeFrom.split("@")[1] || options.hostname).toLowerCase();
    added.push(`Message-ID: <${randomUuid()}@${domain}>`);
  }
  added.push(`${VIA_HEADER}: sendmail`);

  const kept = withoutFields(withoutFields(fields, "bcc"), VIA_HEADER);
  const extra: HeaderField[] = added.map((line) => ({
    name: line.slice(0, line.indexOf(":")),
    value: "",
    bytes: Buffer.from(`${line}\r\n`, "utf8"),
  }));
  // The header block ends with an empty line even when the script sent headers only.
  const body = rest.length === 0 ? Buffer.from("\r\n") : rest;
  const separated =
    body.subarray(0, 2).toString("latin1") === "\r\n"
      ? body
      : Buffer.concat([Buffer.from("\r\n"), body]);
  return { envelopeFrom, recipients: unique, raw: joinMessage([...kept, ...extra], separated) };
}

/** Bare LF (what PHP on Unix writes) and bare CR become CRLF, as SMTP requires. */
export function toCrlf(input: Buffer): Buffer {
  return Buffer.from(input.toString("latin1").replace(/\r\n|\r|\n/g, "\r\n"), "latin1");
}

function mailboxes(value: string): string[] {
  return addressparser(value, { flatten: true })
    .map((a) => a.address.trim())
    .filter((a) => a !== "");
}

function dedupe(addresses: string[]): string[] {
  const seen = new Set<string>();
  return addresses.filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A display name as an RFC 2047 word when it is not plain ASCII, else a quoted string. */
function displayName(name: string): string {
  const clean = name.replace(/[\r\n]+/g, " ").trim();
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean.replace(/(["\\])/g, "\\$1")}"`;
  return `=?UTF-8?B?${Buffer.from(clean, "utf8").toString("base64")}?=`;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function rfc5322Date(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
