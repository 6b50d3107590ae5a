import type { SendmailConfig } from "./sendmail-config.ts";
import {
  type Refusal,
  type SmtpError,
  SmtpSubmitClient,
  type Transaction,
} from "./smtp-submit-client.ts";
import { EX_NOUSER, EX_TEMPFAIL, EX_UNAVAILABLE, ExitError } from "./sysexits.ts";

export interface Submission {
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
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
  // On loopback nothing crosses the network: no TLS, whose handshake costs both sides CPU for
  // nothing. Off this machine the password never goes in clear: STARTTLS with a valid
  // certificate, or nothing.
  const client = await SmtpSubmitClient.connect({
    host: config.host,
    port: config.port,
    requireTls: !loopback,
  }).catch((error: SmtpError) => {
    if (error.code !== "ETLS") throw error;
    throw new ExitError(
      EX_UNAVAILABLE,
      `no secure connection to ${config.host} (${(error.response ?? error.message).trim()}): the password is only sent over STARTTLS with a valid certificate to a server off this machine`,
    );
  });
  try {
    await client.login(config.user, config.password);
    return await transactions(client, message);
  } finally {
    await client.quit();
  }
}

async function transactions(client: SmtpSubmitClient, message: Submission): Promise<string[]> {
  let pending = message.recipients;
  let cap = pending.length;
  let sent = 0;
  const replies: string[] = [];
  const refused: Refusal[] = [];
  while (pending.length > 0) {
    const batch = pending.slice(0, cap);
    pending = pending.slice(batch.length);
    let result: Transaction;
    try {
      result = await client.send(message.envelopeFrom, batch, message.raw);
    } catch (error) {
      const e = error as SmtpError;
      if (e.code === "EENVELOPE" && e.command === "RCPT TO" && e.refused) {
        // every recipient of this transaction was refused: nothing more to learn or send
        refused.push(...e.refused, ...unsent(pending, e));
        break;
      }
      if (sent === 0) throw error; // nothing was sent: the caller reports the failure as it is
      refused.push(...unsent([...batch, ...pending], e));
      break;
    }
    sent += result.accepted.length;
    replies.push(result.response);
    const tooMany = result.refused.filter((r) => r.code === 452);
    if (tooMany.length > 0) {
      // the server's recipient limit: send these later, at most as many as it took this time
      cap = result.accepted.length;
      pending = [...tooMany.map((r) => r.recipient), ...pending];
      refused.push(...result.refused.filter((r) => r.code !== 452));
    } else {
      refused.push(...result.refused);
    }
  }
  if (refused.length > 0) throw refusedError(refused, sent, message.recipients.length);
  return replies;
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
