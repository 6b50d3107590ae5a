import type { DeliveryJob, RecipientResult } from "@scripts-email/domain";
import { classifyRefusal, type Stage } from "./failure-kind.ts";
import type { Relay } from "./relay.ts";
import { fitForRelay } from "./relay-content.ts";
import { parseRelayUrl } from "./relay-tls.ts";
import {
  SmtpConnection,
  type SmtpConnectOptions,
  SmtpError,
  type SmtpReply,
  type TransactionReplies,
} from "./smtp-client.ts";

export interface SmtpRelayOptions {
  /**
   * `smtp://user:pass@host:port?tls=required|opportunistic|none&ca=/path/ca.pem` (or
   * `smtps://`): see parseRelayUrl for the TLS policy and its default.
   */
  url: string;
  /** Connections kept open to the relay; 10 by default. */
  maxConnections?: number;
  /** Seconds to wait for the relay before the attempt is deferred. */
  timeoutSeconds?: number;
}

/** Transactions on one connection before it is replaced by a fresh one. */
const MAX_MESSAGES_PER_CONNECTION = 1000;

/** Relays through the upstream server over a pool of reused SMTP connections. */
export function createSmtpRelay(options: SmtpRelayOptions): Relay {
  const connect: SmtpConnectOptions = {
    ...parseRelayUrl(options.url),
    timeoutMs: (options.timeoutSeconds ?? 60) * 1000,
  };
  const pool = new ConnectionPool(connect, options.maxConnections ?? 10);
  return {
    mode: "smtp",
    async deliver(job) {
      let connection: SmtpConnection;
      try {
        connection = await pool.acquire();
      } catch (error) {
        // Could not open a session (relay down, 421 greeting, TLS or AUTH refused): the relay's
        // state, not the message's, so it is retried whatever the code.
        const e = asError(error);
        return job.recipients.map((recipient) => ({
          recipient,
          outcome: "deferred",
          code: e.reply?.code ?? null,
          text: e.reply?.text ?? `${e.code}: ${e.message}`,
          kind: "relay",
        }));
      }
      try {
        return await deliverOn(connection, job);
      } finally {
        pool.release(connection);
      }
    },
    close: () => pool.close(),
  };
}

/** One job on an open session: made to fit what the relay offered, then sent. */
async function deliverOn(connection: SmtpConnection, job: DeliveryJob): Promise<RecipientResult[]> {
  let fit: Awaited<ReturnType<typeof fitForRelay>>;
  try {
    fit = await fitForRelay(job, connection.extensions);
  } catch {
    // A MIME structure mailsplit cannot read: sent as it is, as before any conversion.
    fit = { raw: job.raw, unsendable: new Set(), text: "" };
  }
  const sendable = job.recipients.filter((r) => !fit.unsendable.has(r));
  const replies =
    sendable.length > 0 ? await connection.send(job.envelopeFrom, sendable, fit.raw) : null;
  const results = replies ? recipientResults(sendable, replies) : [];
  return job.recipients.map(
    (recipient) =>
      results.find((r) => r.recipient === recipient) ?? {
        recipient,
        outcome: "failed",
        code: null,
        text: fit.text,
        kind: "message",
      },
  );
}

type Waiter = (connection: SmtpConnection | null) => void;

/**
 * Up to `max` open connections, reused most-recently-used first (so surplus ones go idle and
 * time out); a caller waits when all are busy. A broken or well-used connection is replaced.
 */
class ConnectionPool {
  private readonly all = new Set<SmtpConnection>();
  private readonly idle: SmtpConnection[] = [];
  private readonly waiting: Waiter[] = [];
  private opening = 0;
  private closing = false;

  constructor(
    private readonly options: SmtpConnectOptions,
    private readonly max: number,
  ) {}

  async acquire(): Promise<SmtpConnection> {
    for (;;) {
      if (this.closing) throw new SmtpError("ECONNECTION", "The relay client is closed");
      let connection = this.idle.pop();
      while (connection && !connection.usable) connection = this.idle.pop();
      if (connection) return connection;
      if (this.all.size + this.opening < this.max) return this.open();
      connection = (await new Promise<SmtpConnection | null>((resolve) => {
        this.waiting.push(resolve);
      })) as SmtpConnection | undefined;
      // null: a slot was freed; try again (idle, or open one).
      if (connection) return connection;
    }
  }

  release(connection: SmtpConnection): void {
    if (this.closing || !connection.usable || connection.messages >= MAX_MESSAGES_PER_CONNECTION) {
      this.retire(connection);
      return;
    }
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const waiter of this.waiting.splice(0)) waiter(null);
    const idle = this.idle.splice(0);
    for (const connection of idle) this.all.delete(connection);
    await Promise.all(idle.map((connection) => connection.quit()));
  }

  private async open(): Promise<SmtpConnection> {
    this.opening++;
    let connection: SmtpConnection;
    try {
      connection = await SmtpConnection.open(this.options);
    } catch (error) {
      this.opening--;
      this.waiting.shift()?.(null);
      throw error;
    }
    this.opening--;
    this.all.add(connection);
    connection.onClose = (gone) => this.forget(gone);
    return connection;
  }

  /** Takes a connection out of the pool and quits it; its slot goes to whoever waits. */
  private retire(connection: SmtpConnection): void {
    if (!this.all.has(connection)) return;
    void connection.quit();
    this.forget(connection);
  }

  private forget(connection: SmtpConnection): void {
    if (!this.all.delete(connection)) return;
    const i = this.idle.indexOf(connection);
    if (i !== -1) this.idle.splice(i, 1);
    this.waiting.shift()?.(null);
  }
}

function asError(error: unknown): SmtpError {
  if (error instanceof SmtpError) return error;
  return new SmtpError("ECONNECTION", error instanceof Error ? error.message : String(error));
}

/**
 * A refusal: a 5xx fails unless it is the relay's own fault (see classifyRefusal); anything
 * else (4xx, or a reply that makes no sense there) defers.
 */
function fromReply(recipient: string, stage: Stage, reply: SmtpReply): RecipientResult {
  const { kind, outcome } = classifyRefusal(stage, reply);
  return { recipient, outcome, code: reply.code, text: reply.text, kind };
}

/** A step that never got its reply: the session broke (connection lost, timeout, 421). */
function fromError(recipient: string, error: SmtpError | undefined): RecipientResult {
  return {
    recipient,
    outcome: "deferred",
    code: error?.reply?.code ?? null,
    text:
      error?.reply?.text ??
      (error ? `${error.code}: ${error.message}` : "EPROTOCOL: incomplete SMTP transaction"),
    kind: "relay",
  };
}

/**
 * Each recipient's fate: MAIL refused → all; RCPT refused → that recipient; DATA or the content
 * refused → every accepted recipient; the final 2xx → delivered with its text. 5xx fails (but
 * the relay's own refusals defer), 4xx and a broken session defer.
 */
function recipientResults(recipients: string[], r: TransactionReplies): RecipientResult[] {
  const { mail, data, final, error } = r;
  return recipients.map((recipient, i) => {
    if (!mail) return fromError(recipient, error);
    if (mail.code >= 300) return fromReply(recipient, "mail", mail);
    const rcpt = r.rcpt[i];
    if (!rcpt) return fromError(recipient, error);
    if (rcpt.code >= 300) return fromReply(recipient, "rcpt", rcpt);
    if (!data) return fromError(recipient, error);
    if (data.code !== 354) return fromReply(recipient, "data", data);
    if (!final) return fromError(recipient, error);
    if (final.code >= 300) return fromReply(recipient, "content", final);
    return { recipient, outcome: "delivered", code: final.code, text: final.text };
  });
}
