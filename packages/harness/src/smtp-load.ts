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
  /** Milliseconds from MAIL FROM sent to the final reply (0 when it failed before MAIL). */
  ms: number;
}

export interface SmtpLoadOptions {
  port: number;
  /**
   * AUTH PLAIN as this user (a hosting's service name) and password; without them no AUTH
   * (Postfix and the benchmarks' sink, like smtp-source).
   */
  user?: string;
  password?: string;
  messages: number;
  /** Concurrent SMTP sessions; each sends its messages one after the other. */
  clients: number;
  /** Must be unique per message: it is how the message is found again; default `load <index>`. */
  subject?(index: number): string;
  /** The envelope sender; default `site@<user>` (a hosting may send from its own domain). */
  from?: string;
  /** The envelope recipient of a message; default `someone@dest.test`. */
  recipient?(index: number): string;
  /** Pads the body to about this many bytes (whole message, roughly); default a one-line body. */
  bodyBytes?: number;
  /** The whole message (headers, blank line, body, CRLF at the end); replaces the default one. */
  message?(index: number, subject: string, from: string, to: string): string;
  /**
   * QUIT after each message and connect again for the next, like one PHP mail() call each
   * (smtp-source's default); default false, one session per client for all its messages.
   */
  connectionPerMessage?: boolean;
  /** Send MAIL, RCPT and DATA in one write when the server offers PIPELINING; default false. */
  pipelining?: boolean;
  /** Pause of a session after each accepted message; default 0. */
  pauseMs?: number;
  /** Pause after anything else, as a polite client would; default 200. */
  backoffMs?: number;
  /** How long a reply may take before the session counts as dropped; default 10 s. */
  replyTimeoutMs?: number;
  /** A session takes no new message once the whole load has failed more than this many. */
  maxFailures?: number;
  /** Take no new message after this time (epoch ms). */
  deadline?: number;
  onSubmission?(submission: Submission): void;
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

interface Connection {
  client: RawSmtpClient;
  pipelining: boolean;
}

/**
 * Submits `messages` messages over `clients` SMTP sessions, each message once, and reports what
 * the server answered to each. A session that fails is closed and a new one opened for the next
 * message, so the load keeps going through a fault. Tests, chaos scenarios and `pnpm bench` all
 * drive the SMTP servers with it.
 */
export async function runSmtpLoad(options: SmtpLoadOptions): Promise<Submission[]> {
  const started = Date.now();
  const timeout = options.replyTimeoutMs ?? 10_000;
  const from = options.from ?? `site@${options.user ?? "load.test"}`;
  const results: Submission[] = [];
  let next = 0;
  let failures = 0;
  const more = () =>
    next < options.messages &&
    !options.signal?.aborted &&
    (options.deadline === undefined || Date.now() < options.deadline) &&
    (options.maxFailures === undefined || failures <= options.maxFailures);

  async function reply(client: RawSmtpClient, stage: SmtpStage): Promise<SmtpReply> {
    let answer: SmtpReply | null;
    try {
      answer = await client.read(timeout);
    } catch (error) {
      throw new Failed({ kind: "dropped", stage, error: String(error) });
    }
    if (!answer) throw new Failed({ kind: "dropped", stage, error: "connection closed" });
    return answer;
  }

  function check(answer: SmtpReply, stage: SmtpStage, code: number): SmtpReply {
    if (answer.code !== code) {
      throw new Failed({ kind: "refused", code: answer.code, stage, text: answer.lines.join(" ") });
    }
    return answer;
  }

  async function expect(
    client: RawSmtpClient,
    stage: SmtpStage,
    code: number,
    send?: string,
  ): Promise<SmtpReply> {
    if (send !== undefined) client.write(send);
    return check(await reply(client, stage), stage, code);
  }

  async function open(): Promise<Connection> {
    let client: RawSmtpClient;
    try {
      client = await RawSmtpClient.connect(options.port, "127.0.0.1", { noDelay: true });
    } catch (error) {
      throw new Failed({ kind: "dropped", stage: "connect", error: String(error) });
    }
    try {
      await expect(client, "greeting", 220);
      const ehlo = await expect(client, "ehlo", 250, "EHLO load.test\r\n");
      if (options.user !== undefined) {
        const token = Buffer.from(`\0${options.user}\0${options.password ?? ""}`).toString(
          "base64",
        );
        await expect(client, "auth", 235, `AUTH PLAIN ${token}\r\n`);
      }
      const offered = ehlo.lines.some((l) => l.toUpperCase() === "PIPELINING");
      return { client, pipelining: (options.pipelining ?? false) && offered };
    } catch (error) {
      client.close();
      throw error;
    }
  }

  const padding = options.bodyBytes === undefined ? undefined : paddedBody(options.bodyBytes);

  function content(index: number, subject: string, to: string): string {
    if (options.message) return options.message(index, subject, from, to);
    const headers = {
      From: from,
      To: to,
      Subject: subject,
      "Message-ID": `<${encodeURIComponent(subject)}@load.test>`,
    };
    return rawMessage(headers, padding);
  }

  async function send({ client, pipelining }: Connection, index: number, subject: string) {
    const to = options.recipient?.(index) ?? "someone@dest.test";
    const envelope: Array<[SmtpStage, number, string]> = [
      ["mail", 250, `MAIL FROM:<${from}>\r\n`],
      ["rcpt", 250, `RCPT TO:<${to}>\r\n`],
      ["data", 354, "DATA\r\n"],
    ];
    if (pipelining) {
      client.write(envelope.map(([, , line]) => line).join(""));
      // Every reply is read before judging them, so that a refusal is told at its own stage.
      const replies: SmtpReply[] = [];
      for (const [stage] of envelope) replies.push(await reply(client, stage));
      for (const [i, [stage, code]] of envelope.entries()) check(replies[i]!, stage, code);
    } else {
      for (const [stage, code, line] of envelope) await expect(client, stage, code, line);
    }
    return (await expect(client, "end", 250, `${content(index, subject, to)}.\r\n`)).code;
  }

  async function quit(client: RawSmtpClient): Promise<void> {
    client.write("QUIT\r\n");
    // A polite end, but a server that says nothing more must not hold the load up.
    await client.read(Math.min(timeout, 2_000)).catch(() => null);
    client.close();
  }

  async function session(): Promise<void> {
    let connection: Connection | undefined;
    while (more()) {
      const index = next++;
      const subject = options.subject?.(index) ?? `load ${index}`;
      let outcome: SubmitOutcome;
      let mailAt: number | undefined;
      try {
        connection ??= await open();
        mailAt = performance.now();
        outcome = { kind: "accepted", code: await send(connection, index, subject) };
        if (options.connectionPerMessage) {
          await quit(connection.client);
          connection = undefined;
        }
      } catch (error) {
        if (!(error instanceof Failed)) throw error;
        outcome = error.outcome;
        failures++;
        // After any failure, start over on a fresh session: simpler than guessing its state.
        connection?.client.close();
        connection = undefined;
      }
      const ms = mailAt === undefined ? 0 : performance.now() - mailAt;
      const submission = { index, subject, outcome, at: Date.now() - started, ms };
      results.push(submission);
      options.onSubmission?.(submission);
      const pause =
        outcome.kind === "accepted" ? (options.pauseMs ?? 0) : (options.backoffMs ?? 200);
      if (pause > 0) await sleep(pause);
    }
    if (connection) await quit(connection.client);
  }

  await Promise.all(Array.from({ length: options.clients }, () => session()));
  return results.sort((a, b) => a.index - b.index);
}
