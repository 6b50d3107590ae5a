import SMTPConnection from "nodemailer/lib/smtp-connection";
import type { SendmailConfig } from "./sendmail-config.ts";
import { EX_NOUSER, EX_TEMPFAIL, EX_UNAVAILABLE, ExitError } from "./sysexits.ts";

export interface Submission {
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
}

interface Refusal {
  recipient: string;
  code: number;
  reply: string;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/**
 * Submits the message to every recipient, over one connection: when the server answers
 * `452 too many recipients` after accepting some (RFC 5321 §4.5.3.1.10), the rest go in further
 * transactions of at most that many, as Postfix's client does. Resolves with the server's replies
 * only when every recipient was accepted; otherwise throws an ExitError that names the refused
 * recipients (5xx: EX_NOUSER, 4xx only: EX_TEMPFAIL), or the error of the first transaction
 * when nothing was sent at all.
 */
export async function submit(config: SendmailConfig, message: Submission): Promise<string[]> {
  const loopback = LOOPBACK.test(config.host);
  const connection = new SMTPConnection({
    host: config.host,
    port: config.port,
    secure: false,
    // On loopback nothing crosses the network: STARTTLS when offered, any certificate. Off this
    // machine the password never goes in clear: STARTTLS with a valid certificate, or nothing.
    requireTLS: !loopback,
    tls: { rejectUnauthorized: !loopback },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  // Errors also reach the callbacks; without a listener an 'error' event would crash the process.
  connection.on("error", () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      connection.once("error", reject);
      connection.connect(() => {
        connection.removeListener("error", reject);
        resolve();
      });
    }).catch((error: SmtpError) => {
      if (error.code !== "ETLS" || loopback) throw error;
      throw new ExitError(
        EX_UNAVAILABLE,
        `no secure connection to ${config.host} (${(error.response ?? error.message).trim()}): the password is only sent over STARTTLS with a valid certificate to a server off this machine`,
      );
    });
    await new Promise<void>((resolve, reject) =>
      connection.login({ user: config.user, pass: config.password }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    return await transactions(connection, message);
  } finally {
    connection.quit();
  }
}

function send(
  connection: SMTPConnection,
  message: Submission,
  to: string[],
): Promise<{ accepted: string[]; refused: SmtpError[]; response: string }> {
  return new Promise((resolve, reject) => {
    connection.send({ from: message.envelopeFrom, to }, message.raw, (error, info) => {
      if (error) return reject(error);
      resolve({
        accepted: (info.accepted ?? []).map(String),
        refused: (info.rejectedErrors ?? []) as SmtpError[],
        response: info.response ?? "",
      });
    });
  });
}

async function transactions(connection: SMTPConnection, message: Submission): Promise<string[]> {
  let pending = message.recipients;
  let cap = pending.length;
  let sent = 0;
  const replies: string[] = [];
  const refused: Refusal[] = [];
  while (pending.length > 0) {
    const batch = pending.slice(0, cap);
    pending = pending.slice(batch.length);
    let result: Awaited<ReturnType<typeof send>>;
    try {
      result = await send(connection, message, batch);
    } catch (error) {
      const e = error as SmtpError;
      if (e.code === "EENVELOPE" && e.command === "RCPT TO" && e.rejectedErrors) {
        // every recipient of this transaction was refused: nothing more to learn or send
        refused.push(...e.rejectedErrors.map(refusal), ...unsent(pending, e));
        break;
      }
      if (sent === 0) throw error; // nothing was sent: the caller reports the failure as it is
      refused.push(...unsent([...batch, ...pending], e));
      break;
    }
    sent += result.accepted.length;
    replies.push(result.response);
    const tooMany = result.refused.filter((r) => r.responseCode === 452);
    if (tooMany.length > 0 && result.accepted.length > 0) {
      // the server's recipient limit: send these later, at most as many as it took this time
      cap = result.accepted.length;
      pending = [...tooMany.map((r) => r.recipient ?? ""), ...pending];
      refused.push(...result.refused.filter((r) => r.responseCode !== 452).map(refusal));
    } else {
      refused.push(...result.refused.map(refusal));
    }
  }
  if (refused.length > 0) throw refusedError(refused, sent, message.recipients.length);
  return replies;
}

function refusal(error: SmtpError): Refusal {
  return {
    recipient: error.recipient ?? "",
    code: error.responseCode ?? 0,
    reply: (error.response ?? error.message).trim(),
  };
}

/** Recipients never tried because the session failed: their failure is the session's. */
function unsent(recipients: string[], error: SmtpError): Refusal[] {
  const code = error.responseCode ?? 0;
  const reply = (error.response ?? error.message).trim();
  return recipients.map((recipient) => ({ recipient, code, reply }));
}

function refusedError(refused: Refusal[], sent: number, total: number): ExitError {
  const groups = new Map<string, string[]>();
  for (const r of refused) groups.set(r.reply, [...(groups.get(r.reply) ?? []), r.recipient]);
  const list = [...groups].map(([reply, to]) => `${to.join(", ")} (${reply})`).join("; ");
  const permanent = refused.some((r) => r.code >= 500);
  // Retrying a message that went to some recipients sends it to them again: say how many.
  return new ExitError(
    permanent ? EX_NOUSER : EX_TEMPFAIL,
    `not sent to ${refused.length} of ${total} recipients (sent to ${sent}): ${list}`,
  );
}
