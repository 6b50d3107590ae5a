import { hostname, tmpdir } from "node:os";
import path from "node:path";
import {
  type AcceptedMessage,
  type IncomingMessage,
  type Logger,
  type RefusalReason,
  silentLogger,
} from "@scripts-email/domain";
import { AuthThrottle, type AuthThrottleOptions, DEFAULT_AUTH_THROTTLE } from "./auth-throttle.ts";
import { DataBudget, DEFAULT_DATA_MEMORY_BYTES, InsufficientStorageError } from "./data-budget.ts";
import { isEnvelopeAddress } from "./envelope-address.ts";
import { smtpError, storeFailureReply } from "./ingest-replies.ts";
import { fitLineLength } from "./line-length.ts";
import { checkMessage } from "./message-hygiene.ts";
import { BEFORE_DATA_SCRIPT, type Refused } from "./refusal-recorder.ts";
import { checkEnvelopeSender } from "./sender-check.ts";
import type { DataStream, SessionInfo } from "./session/session-host.ts";
import type { SmtpError } from "./session/smtp-error.ts";
import { SmtpListener } from "./session/smtp-listener.ts";
import { DEFAULT_SESSION_LIMITS, type LimitEvent, type SessionLimits } from "./session-limits.ts";
import { submittedScript } from "./submitted-script.ts";
import { type SuppressionLookup, suppressedRecipientReply } from "./suppression-check.ts";
import { prepareSubmission } from "./trace-headers.ts";
import { takeViaHeader } from "./via-header.ts";

export interface AuthenticatedHosting {
  hostingId: string;
  serviceName: string;
  /** Sender domains support added; with the service name, what MAIL FROM and From: may use. */
  senderDomains: readonly string[];
}

export interface IngestServerDeps {
  /** user = the hosting's service name, pass = its SMTP password; null when they do not match. */
  authenticate(user: string, pass: string): Promise<AuthenticatedHosting | null>;
  /** Resolves once the message is committed: only then may the client get its 250. */
  accept(message: IncomingMessage): Promise<AcceptedMessage>;
  /**
   * Told of every refusal for a known hosting, with its script and reason (the per-script view):
   * must return at once and never throw (RefusalRecorder.record); the answer does not wait.
   */
  refused?(refused: Refused): void;
  /** The hosting's suppression list: a recipient on it is refused at RCPT TO (550 5.1.1). */
  suppressed?: SuppressionLookup;
  logger?: Logger;
}

export interface IngestServerOptions {
  port: number;
  /** Default 127.0.0.1: submission is for the scripts of this machine. */
  host?: string;
  /** Bytes; default 10 MB. */
  maxSize?: number;
  /** Recipients per message; default 100, more get `452 too many recipients`. */
  maxRecipients?: number;
  /** PEM key and certificate; STARTTLS is offered only when given. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Server name in the greeting; default the OS host name. */
  name?: string;
  banner?: string;
  authThrottle?: AuthThrottleOptions;
  /** How long `close()` lets open sessions finish before cutting them; default 30 s. */
  closeTimeoutMs?: number;
  /** Session caps and timeouts; unset fields from DEFAULT_SESSION_LIMITS (session-limits.ts). */
  limits?: Partial<SessionLimits>;
  /** Message data all sessions may hold in memory; past it, data is spooled. Default 256 MB. */
  dataMemoryBytes?: number;
  /** Where message data over the memory budget is spooled; default the OS temporary folder. */
  spoolDir?: string;
  /** Told of every connection turned away and every session cut by a limit (metrics). */
  onLimit?(event: LimitEvent): void;
}

export interface IngestServer {
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Stops accepting, lets sessions finish (up to the close timeout), waits for pending commits. */
  close(): Promise<void>;
  /** Sessions open and bytes of message data held in memory now (metrics, tests). */
  load(): { sessions: number; dataBytesInMemory: number };
}

/** What the hooks see of an SMTP session: its user is the hosting it logged in as. */
type IngestSession = SessionInfo<AuthenticatedHosting>;

export const DEFAULT_MAX_SIZE = 10 * 1024 * 1024;
export const DEFAULT_MAX_RECIPIENTS = 100;

/** Waits before a wrong-password answer; unref'd so that it never holds the process open. */
function tarpit(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function createIngestServer(
  deps: IngestServerDeps,
  options: IngestServerOptions,
): IngestServer {
  const log = deps.logger ?? silentLogger;
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  const throttle = new AuthThrottle(options.authThrottle ?? DEFAULT_AUTH_THROTTLE);
  const pending = new Set<Promise<unknown>>();
  const limits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };
  const dataBudget = new DataBudget({
    memoryBytes: options.dataMemoryBytes ?? DEFAULT_DATA_MEMORY_BYTES,
    spoolDir: options.spoolDir ?? path.join(tmpdir(), "scripts-email-spool"),
    // As Postfix: room for one and a half messages of the largest size, or refuse with 452.
    minFreeBytes: Math.ceil(maxSize * 1.5),
  });

  const hostingOf = (session: IngestSession) => session.user!;
  /** Counts a refusal of the session's hosting; nothing it does can change the answer. */
  const refuse = (
    hosting: Refused["hosting"],
    reason: RefusalReason,
    script: () => string = () => BEFORE_DATA_SCRIPT,
  ) => {
    if (!deps.refused) return;
    try {
      deps.refused({ hosting, script: script(), reason });
    } catch (error) {
      log.warn({ err: error }, "refusal not recorded");
    }
  };
  const refuseFor = (session: IngestSession, reason: RefusalReason, script?: () => string) =>
    refuse({ id: hostingOf(session).hostingId }, reason, script);
  // Once per server: the greeting, EHLO, and the Received: line's "by".
  const serverName = options.name ?? hostname();

  async function authenticate(
    user: string,
    password: string,
    session: IngestSession,
  ): Promise<AuthenticatedHosting> {
    const client = session.remoteAddress;
    let hosting: AuthenticatedHosting | null;
    try {
      hosting = await deps.authenticate(user, password);
    } catch (error) {
      log.error({ err: error, client }, "smtp auth lookup failed");
      throw smtpError(454, "Temporary authentication failure, try again later");
    }
    // A correct password always gets in, whatever the failures: see AuthThrottle.
    if (hosting) return hosting;
    // counted for the hosting of that name, if there is one (see RefusalRepository.add)
    if (user !== "" && user.length <= 255) refuse({ serviceName: user }, "auth");
    const verdict = throttle.recordFailure(client, user);
    log.warn({ client, user: user.slice(0, 256), ...verdict }, "smtp auth failed");
    const release = throttle.enterTarpit(user);
    if (!release) throw smtpError(421, "Too many failed authentication attempts, try again later");
    try {
      await tarpit(verdict.delayMs);
    } finally {
      release();
    }
    throw verdict.close
      ? smtpError(421, "Too many failed authentication attempts, try again later")
      : smtpError(535, "Authentication credentials invalid");
  }

  async function store(raw: Buffer, session: IngestSession, id?: string): Promise<string> {
    const hosting = hostingOf(session);
    const { raw: stored, via } = takeViaHeader(raw);
    const envelope = session.envelope;
    try {
      const accepted = await deps.accept({
        hostingId: hosting.hostingId,
        envelopeFrom: envelope.mailFrom ?? "",
        recipients: envelope.rcptTo,
        raw: stored,
        source: via ?? "smtp",
        ...(id ? { id } : {}),
      });
      // one line a message: debug, so that the info level stays quiet under load
      log.debug(
        { messageId: accepted.id, hosting: hosting.serviceName, status: accepted.status },
        "message accepted",
      );
      if (accepted.status === "queued") return `Queued as ${accepted.id}`;
      return accepted.heldBy === "script"
        ? `Held as ${accepted.id}: the mail of this script is held for this hosting`
        : `Held as ${accepted.id}: sending is blocked for this hosting`;
    } catch (error) {
      const reply = storeFailureReply(error);
      if (reply.reason) refuseFor(session, reply.reason, () => submittedScript(raw));
      if (reply.permanent) {
        log.warn({ err: error, hosting: hosting.serviceName }, "message refused");
      } else {
        log.error({ err: error, hosting: hosting.serviceName }, "message not stored");
      }
      throw reply.error;
    }
  }

  function onData(
    stream: DataStream,
    session: IngestSession,
    callback: (err: SmtpError | null, message?: string) => void,
  ): void {
    let answered = false;
    const answer = (error: SmtpError | null, reply?: string) => {
      if (answered) return;
      answered = true;
      callback(error, reply);
    };
    // In memory under the global budget, spooled to disk past it (data-budget.ts).
    dataBudget.collect(stream).then(
      (collected) => {
        if (!collected) {
          refuseFor(session, "size");
          answer(smtpError(552, `Message too big: the limit is ${maxSize} bytes`));
          return;
        }
        // The memory goes back to the budget once the message is answered (stored or not).
        onMessage(collected.raw, session, (error, reply) => {
          collected.release();
          answer(error, reply);
        });
      },
      (error: Error) => {
        if (error instanceof InsufficientStorageError) {
          log.error({ err: error }, "message data could not be spooled");
          answer(smtpError(452, "4.3.1 Insufficient system storage, try again later"));
          return;
        }
        log.warn({ err: error }, "message stream failed");
        answer(smtpError(451, "Temporary failure, try again later"));
      },
    );
  }

  /** A whole message received: checks it, stores it, answers. */
  function onMessage(
    raw: Buffer,
    session: IngestSession,
    answer: (error: SmtpError | null, reply?: string) => void,
  ): void {
    const checked = checkMessage(raw);
    if (!checked.ok) {
      refuseFor(session, "message", () => submittedScript(raw));
      log.warn(
        { hosting: hostingOf(session).serviceName, reason: checked.text },
        "message refused",
      );
      answer(smtpError(checked.code, checked.text));
      return;
    }
    // From: against the hosting's sender domains; Received, Date, Message-ID (trace-headers.ts)
    const prepared = prepareSubmission(checked.raw, hostingOf(session), {
      serverName,
      secure: session.secure,
      envelopeFrom: session.envelope.mailFrom ?? "",
      now: new Date(),
    });
    if (!prepared.ok) {
      // 552: a header block too large to check; else the From: is not the hosting's
      refuseFor(session, prepared.code === 552 ? "message" : "from_header", () =>
        submittedScript(checked.raw),
      );
      log.warn(
        { hosting: hostingOf(session).serviceName, reason: prepared.text },
        "message refused",
      );
      answer(smtpError(prepared.code, prepared.text));
      return;
    }
    const work = fitLineLength(prepared.raw)
      .then((fit) => {
        if (fit.ok) return store(fit.raw, session, prepared.id);
        refuseFor(session, "message", () => submittedScript(prepared.raw));
        log.warn({ hosting: hostingOf(session).serviceName, reason: fit.text }, "message refused");
        throw smtpError(fit.code, fit.text);
      })
      .then(
        (reply) => answer(null, reply),
        (error: Error) => answer(error),
      );
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  const server = new SmtpListener<AuthenticatedHosting>({
    name: serverName,
    banner: options.banner,
    size: maxSize,
    maxRecipients: options.maxRecipients ?? DEFAULT_MAX_RECIPIENTS,
    // Submission listens on loopback for the scripts of this machine, so AUTH in clear text
    // is allowed when no certificate is configured (nothing crosses the network).
    ...(options.tls ? { tls: options.tls } : {}),
    closeTimeoutMs: options.closeTimeoutMs ?? 30_000,
    // Bounded resources (session-limits.ts): caps answered 421 4.7.0, idle and whole-session
    // timeouts answered 421; a hosting's sessions are counted from AUTH.
    limits,
    accountOf: (user) => user.hostingId,
    onLimit: options.onLimit,
    onError: (error) => log.error({ err: error }, "smtp server error"),
    hooks: {
      auth: authenticate,
      mailFrom(address, session) {
        if (!isEnvelopeAddress(address, true)) {
          refuseFor(session, "sender_domain");
          return smtpError(553, "5.1.7 The sender address is not valid");
        }
        const sender = checkEnvelopeSender(address, hostingOf(session));
        if (sender.ok) return null;
        refuseFor(session, "sender_domain");
        log.warn(
          { hosting: hostingOf(session).serviceName, reason: sender.text },
          "sender refused",
        );
        return smtpError(sender.code, sender.text);
      },
      rcptTo(address, session) {
        if (!isEnvelopeAddress(address)) {
          return smtpError(553, "5.1.3 The recipient address is not valid");
        }
        if (!deps.suppressed) return null;
        return suppressedRecipientReply(
          deps.suppressed,
          hostingOf(session).hostingId,
          address,
          log,
        ).then((refusal) => {
          if (refusal?.responseCode === 550) refuseFor(session, "suppressed");
          return refusal;
        });
      },
      data: onData,
    },
  });

  return {
    listen: () => server.listen(options.port, options.host ?? "127.0.0.1"),
    async close() {
      await server.close();
      await Promise.allSettled([...pending]);
    },
    load: () => ({ sessions: server.sessions.size, dataBytesInMemory: dataBudget.held }),
  };
}
