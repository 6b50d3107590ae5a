import { RawSmtpClient, rawMessage, type SmtpReply } from "./smtp-client.ts";

/**
 * What the client learnt about one message it submitted once (no retry):
 * - accepted: the final reply to DATA was 250, so the server owes us the message;
 * - refused: some reply said no (4xx: try later; 5xx: never), nothing is owed;
 * - dropped: the connection failed or went silent, the client does not know (only a message
 *   dropped after its data was sent can have been stored).
 */
export type SubmitOutcome =
  | { kind: "accepted"; code: number }
  | { kind: "refused"; code: number; stage: SmtpStage; text: string }
  | { kind: "dropped"; stage: SmtpStage; error: string };

export type SmtpStage = "connect" | "greeting" | "ehlo" | "auth" | "mail" | "rcpt" | "data" | "end";

export interface Submission {
  index: number;
  subject: string;
  outcome: SubmitOutcome;
  /** Milliseconds since the load started, when the outcome was known. */
  at: number;
}

export interface SmtpLoadOptions {
  port: number;
  user: string;
  password: string;
  messages: number;
  /** Concurrent SMTP sessions; each sends its messages one after the other. */
  clients: number;
  /** Must be unique per message: it is how the message is found again in the database. */
  subject(index: number): string;
  /** Pause of a session after each accepted message; default 0. */
  pauseMs?: number;
  /** Pause after anything else, as a polite client would; default 200. */
  backoffMs?: number;
  /** How long a reply may take before the session counts as dropped; default 10 s. */
  replyTimeoutMs?: number;
  onSubmission?(submission: Submission): void;
  /** The envelope recipient of a message; default `someone@dest.test`. */
  recipient?(index: number): string;
  /** Pads the body to about this many bytes (whole message, roughly); default a one-line body. */
  bodyBytes?: number;
  /** Once aborted, the sessions take no new message and the load returns what it has. */
  signal?: AbortSignal;
}

/** A body of 76-character lines (never starting with a dot) of about `bytes` bytes. */
export function paddedBody(bytes: number): string {
  const line = `${"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(2).slice(0, 76)}\r\n`;
  return line.repeat(Math.max(1, Math.ceil(bytes / line.length)));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Failed extends Error {
  constructor(readonly outcome: SubmitOutcome) {
    super(outcome.kind);
  }
}

/**
 * Submits `messages` messages over `clients` SMTP sessions, each message once, and reports what
 * the server answered to each. A session that fails is closed and a new one opened for the next
 * message, so the load keeps going through a fault.
 */
export async function runSmtpLoad(options: SmtpLoadOptions): Promise<Submission[]> {
  const started = Date.now();
  const timeout = options.replyTimeoutMs ?? 10_000;
  const results: Submission[] = [];
  let next = 0;

  async function expect(
    client: RawSmtpClient,
    stage: SmtpStage,
    code: number,
    send?: string,
  ): Promise<SmtpReply> {
    if (send !== undefined) client.write(send);
    let reply: SmtpReply | null;
    try {
      reply = await client.read(timeout);
    } catch (error) {
      throw new Failed({ kind: "dropped", stage, error: String(error) });
    }
    if (!reply) throw new Failed({ kind: "dropped", stage, error: "connection closed" });
    if (reply.code !== code) {
      throw new Failed({ kind: "refused", code: reply.code, stage, text: reply.lines.join(" ") });
    }
    return reply;
  }

  async function open(): Promise<RawSmtpClient> {
    let client: RawSmtpClient;
    try {
      client = await RawSmtpClient.connect(options.port);
    } catch (error) {
      throw new Failed({ kind: "dropped", stage: "connect", error: String(error) });
    }
    try {
      await expect(client, "greeting", 220);
      await expect(client, "ehlo", 250, "EHLO load.test\r\n");
      const token = Buffer.from(`\0${options.user}\0${options.password}`).toString("base64");
      await expect(client, "auth", 235, `AUTH PLAIN ${token}\r\n`);
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  const padding = options.bodyBytes === undefined ? undefined : paddedBody(options.bodyBytes);

  async function send(client: RawSmtpClient, index: number, subject: string): Promise<number> {
    const to = options.recipient?.(index) ?? "someone@dest.test";
    // the user is the hosting's service name: its own domain is the one it may send from
    await expect(client, "mail", 250, `MAIL FROM:<site@${options.user}>\r\n`);
    await expect(client, "rcpt", 250, `RCPT TO:<${to}>\r\n`);
    await expect(client, "data", 354, "DATA\r\n");
    const body = rawMessage(
      {
        From: `site@${options.user}`,
        To: to,
        Subject: subject,
        "Message-ID": `<${encodeURIComponent(subject)}@load.test>`,
      },
      padding,
    );
    return (await expect(client, "end", 250, `${body}.\r\n`)).code;
  }

  async function session(): Promise<void> {
    let client: RawSmtpClient | undefined;
    while (next < options.messages && !options.signal?.aborted) {
      const index = next++;
      const subject = options.subject(index);
      let outcome: SubmitOutcome;
      try {
        client ??= await open();
        outcome = { kind: "accepted", code: await send(client, index, subject) };
      } catch (error) {
        if (!(error instanceof Failed)) throw error;
        outcome = error.outcome;
        // After any failure, start over on a fresh session: simpler than guessing its state.
        client?.close();
        client = undefined;
      }
      const submission = { index, subject, outcome, at: Date.now() - started };
      results.push(submission);
      options.onSubmission?.(submission);
      const pause =
        outcome.kind === "accepted" ? (options.pauseMs ?? 0) : (options.backoffMs ?? 200);
      if (pause > 0) await sleep(pause);
    }
    client?.close();
  }

  await Promise.all(Array.from({ length: options.clients }, () => session()));
  return results.sort((a, b) => a.index - b.index);
}

export interface SubmissionLedger {
  submitted: number;
  /** Answered 250. */
  acknowledged: number;
  /** Answered 4xx (any stage). */
  deferred: number;
  /** Answered 5xx (any stage): never acceptable for a fault on the server's side. */
  rejected: Submission[];
  /** Connection failed or went silent. */
  dropped: number;
  /** Rows found for the submitted subjects. */
  stored: number;
  /** Answered 250 but not in the database: lost mail. */
  lost: Submission[];
  /** In the database although the client was not told so (the client would send it again). */
  storedUnacknowledged: number;
  /** Subjects stored more than once. */
  storedTwice: string[];
}

/** Sets what the clients were told against what the database holds. */
export function reconcileSubmissions(
  submissions: Submission[],
  storedSubjects: string[],
): SubmissionLedger {
  const stored = new Map<string, number>();
  for (const s of storedSubjects) stored.set(s, (stored.get(s) ?? 0) + 1);
  const mine = submissions.filter((s) => stored.has(s.subject));
  const code = (s: Submission) => (s.outcome.kind === "dropped" ? 0 : s.outcome.code);
  return {
    submitted: submissions.length,
    acknowledged: submissions.filter((s) => s.outcome.kind === "accepted").length,
    deferred: submissions.filter((s) => s.outcome.kind === "refused" && code(s) < 500).length,
    rejected: submissions.filter((s) => s.outcome.kind === "refused" && code(s) >= 500),
    dropped: submissions.filter((s) => s.outcome.kind === "dropped").length,
    stored: mine.length,
    lost: submissions.filter((s) => s.outcome.kind === "accepted" && !stored.has(s.subject)),
    storedUnacknowledged: mine.filter((s) => s.outcome.kind !== "accepted").length,
    storedTwice: [...stored].filter(([, n]) => n > 1).map(([s]) => s),
  };
}

/** `451 ×12, 454 ×3, dropped(end) ×1`: how the non-accepted submissions were answered. */
export function describeRefusals(submissions: Submission[]): string {
  const counts = new Map<string, number>();
  for (const s of submissions) {
    if (s.outcome.kind === "accepted") continue;
    const key =
      s.outcome.kind === "refused"
        ? `${s.outcome.code}@${s.outcome.stage}`
        : `dropped@${s.outcome.stage}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${k} ×${n}`).join(", ") || "none";
}
