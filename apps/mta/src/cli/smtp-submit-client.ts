/**
 * The sendmail command's SMTP client: submission with AUTH to one server, on node:net alone.
 * Every PHP mail() starts the command, so it loads nothing it does not use (node:tls only when it
 * must upgrade off this machine) and does no work it does not need: no DNS lookup for an address,
 * no TLS on loopback, one round trip for MAIL, RCPT and DATA where the server offers PIPELINING.
 * Replaces nodemailer's SMTPConnection, which cost about 40 % of the command's CPU (see README).
 */
import net from "node:net";
import { hostname } from "node:os";
import { dotStuffed, extensions, ReplyParser, replyText, type SmtpReply } from "./smtp-reply.ts";

/** A failure in the terms classify() (sendmail-run.ts) maps to an exit status. */
export interface SmtpError extends Error {
  /** ESOCKET, ECONNECTION, ETIMEDOUT, EPROTOCOL, ETLS, EAUTH, EENVELOPE or EMESSAGE */
  code: string;
  responseCode?: number;
  response?: string;
  command?: string;
  /** EENVELOPE after RCPT TO: every recipient's refusal. */
  refused?: Refusal[];
}

export interface Refusal {
  recipient: string;
  code: number;
  reply: string;
}

export interface Transaction {
  accepted: string[];
  refused: Refusal[];
  /** The server's reply to the end of the data. */
  response: string;
}

export interface ClientOptions {
  host: string;
  port: number;
  /** Upgrade with STARTTLS and a verified certificate before AUTH, or fail with ETLS. */
  requireTls: boolean;
  /** Extra trusted certificates (tests). */
  ca?: string;
  connectionTimeout?: number;
  greetingTimeout?: number;
  /** Longest silence (nothing read or written) once connected. */
  socketTimeout?: number;
}

export function smtpError(code: string, message: string, reply?: SmtpReply): SmtpError {
  const error = new Error(message) as SmtpError;
  error.code = code;
  if (reply) {
    error.responseCode = reply.code;
    error.response = replyText(reply);
  }
  return error;
}

export class SmtpSubmitClient {
  private readonly parser = new ReplyParser();
  private readonly replies: SmtpReply[] = [];
  private waiter: ((reply: SmtpReply | null) => void) | null = null;
  private failure: SmtpError | null = null;
  private features = new Map<string, string[]>();
  private readonly onData = (chunk: string) => this.received(chunk);

  private constructor(
    private socket: net.Socket,
    private readonly options: ClientOptions,
  ) {}

  /** Connects, reads the greeting, says EHLO, upgrades when required: ready for login(). */
  static async connect(options: ClientOptions): Promise<SmtpSubmitClient> {
    const socket = net.connect({ host: options.host, port: options.port });
    const client = new SmtpSubmitClient(socket, options);
    client.attach(socket);
    try {
      await client.connected(options.connectionTimeout ?? 15_000);
      socket.setTimeout(options.socketTimeout ?? 60_000);
      const greeting = await client.next(options.greetingTimeout ?? 15_000, "the greeting");
      if (greeting.code !== 220) {
        throw smtpError("EPROTOCOL", `greeting: ${replyText(greeting)}`, greeting);
      }
      await client.hello();
      if (options.requireTls) await client.startTls();
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  /** AUTH PLAIN, or LOGIN when the server offers LOGIN and not PLAIN. */
  async login(user: string, password: string): Promise<void> {
    const offered = this.features.get("AUTH") ?? [];
    const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
    let reply: SmtpReply;
    if (offered.includes("LOGIN") && !offered.includes("PLAIN")) {
      reply = await this.command("AUTH LOGIN");
      if (reply.code === 334) reply = await this.command(b64(user));
      if (reply.code === 334) reply = await this.command(b64(password));
    } else {
      reply = await this.command(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`);
    }
    if (reply.code !== 235) {
      throw smtpError("EAUTH", `authentication failed: ${replyText(reply)}`, reply);
    }
  }

  /**
   * One transaction: MAIL, RCPT for each recipient, DATA. Resolves when the message was taken
   * for at least one recipient (with the others' refusals); throws EENVELOPE when the sender or
   * every recipient was refused, EMESSAGE when the data was.
   */
  async send(from: string, recipients: string[], raw: Buffer): Promise<Transaction> {
    const mail = `MAIL FROM:<${from}>${this.mailParameters(from, recipients, raw)}`;
    const rcpts = recipients.map((to) => `RCPT TO:<${to}>`);
    const pipelining = this.features.has("PIPELINING");
    let mailReply: SmtpReply;
    const rcptReplies: SmtpReply[] = [];
    let dataReply: SmtpReply | null = null;
    if (pipelining) {
      this.write(`${[mail, ...rcpts, "DATA"].join("\r\n")}\r\n`);
      mailReply = await this.next();
      for (const _ of rcpts) rcptReplies.push(await this.next());
      dataReply = await this.next();
    } else {
      mailReply = await this.command(mail);
      if (mailReply.code === 250) {
        for (const rcpt of rcpts) rcptReplies.push(await this.command(rcpt));
      }
    }
    const accepted: string[] = [];
    const refused: Refusal[] = [];
    rcptReplies.forEach((reply, i) => {
      const recipient = recipients[i]!;
      if (reply.code === 250 || reply.code === 251) accepted.push(recipient);
      else refused.push({ recipient, code: reply.code, reply: replyText(reply) });
    });
    let failure: SmtpError | null = null;
    if (mailReply.code !== 250) {
      failure = smtpError("EENVELOPE", `sender refused: ${replyText(mailReply)}`, mailReply);
      failure.command = "MAIL FROM";
    } else if (accepted.length === 0) {
      failure = smtpError("EENVELOPE", "every recipient was refused");
      failure.command = "RCPT TO";
      failure.refused = refused;
    }
    if (failure) {
      // A server that said 354 to a pipelined DATA anyway waits for data: end it empty.
      if (dataReply?.code === 354) await this.command(".");
      else if (!pipelining) await this.command("RSET");
      throw failure;
    }
    dataReply ??= await this.command("DATA");
    if (dataReply.code !== 354) {
      throw smtpError("EMESSAGE", `data refused: ${replyText(dataReply)}`, dataReply);
    }
    this.write(dotStuffed(raw));
    const done = await this.next();
    if (done.code !== 250) {
      throw smtpError("EMESSAGE", `message refused: ${replyText(done)}`, done);
    }
    return { accepted, refused, response: replyText(done) };
  }

  /** QUIT, waiting a moment for the server's goodbye, then the connection is gone. */
  async quit(): Promise<void> {
    if (!this.failure) {
      this.write("QUIT\r\n");
      await this.next(2_000, "the reply to QUIT").catch(() => undefined);
    }
    this.close();
  }

  close(): void {
    this.fail(smtpError("ECONNECTION", "connection closed"));
    this.socket.destroy();
  }

  private mailParameters(from: string, recipients: string[], raw: Buffer): string {
    let parameters = "";
    if (this.features.has("SIZE")) parameters += ` SIZE=${raw.length}`;
    if (this.features.has("8BITMIME") && raw.some((byte) => byte > 0x7f)) {
      parameters += " BODY=8BITMIME";
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is \x00-\x7f
    const ascii = /^[\x00-\x7f]*$/;
    if (this.features.has("SMTPUTF8") && ![from, ...recipients].every((a) => ascii.test(a))) {
      parameters += " SMTPUTF8";
    }
    return parameters;
  }

  private async hello(): Promise<void> {
    const name = ehloName();
    let reply = await this.command(`EHLO ${name}`);
    if (reply.code !== 250) reply = await this.command(`HELO ${name}`);
    if (reply.code !== 250) throw smtpError("EPROTOCOL", `HELO: ${replyText(reply)}`, reply);
    this.features = extensions(reply);
  }

  /** STARTTLS with a verified certificate; node:tls is loaded only here. */
  private async startTls(): Promise<void> {
    if (!this.features.has("STARTTLS")) {
      throw smtpError("ETLS", "the server does not offer STARTTLS");
    }
    const reply = await this.command("STARTTLS");
    if (reply.code !== 220) throw smtpError("ETLS", `STARTTLS: ${replyText(reply)}`, reply);
    const tls = await import("node:tls");
    const plain = this.socket;
    plain.removeListener("data", this.onData);
    const secure = tls.connect({
      socket: plain,
      host: this.options.host,
      servername: net.isIP(this.options.host) ? undefined : this.options.host,
      rejectUnauthorized: true,
      ...(this.options.ca ? { ca: [...tls.rootCertificates, this.options.ca] } : {}),
    });
    this.socket = secure;
    this.attach(secure);
    secure.setTimeout(this.options.socketTimeout ?? 60_000);
    await new Promise<void>((resolve, reject) => {
      secure.once("secureConnect", resolve);
      secure.once("error", (error) => reject(smtpError("ETLS", error.message)));
      secure.once("close", () => reject(smtpError("ETLS", "closed during the TLS handshake")));
    });
    await this.hello();
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding("utf8");
    socket.on("data", this.onData);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      const code = error.code === "ETIMEDOUT" ? "ETIMEDOUT" : "ESOCKET";
      this.fail(Object.assign(error, { code }) as SmtpError);
    });
    socket.on("timeout", () => {
      this.fail(smtpError("ETIMEDOUT", "timed out waiting for the mail server"));
      socket.destroy();
    });
    socket.on("close", () => {
      this.fail(smtpError("ECONNECTION", "the mail server closed the connection unexpectedly"));
    });
  }

  private connected(timeout: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(smtpError("ETIMEDOUT", `connection to ${this.options.host} timed out`));
        this.socket.destroy();
      }, timeout);
      const settle = (error?: SmtpError | null) => {
        clearTimeout(timer);
        this.waiter = null;
        if (error) reject(error);
        else resolve();
      };
      this.socket.once("connect", () => settle());
      this.waiter = () => settle(this.failure);
    });
  }

  private received(chunk: string): void {
    let replies: SmtpReply[];
    try {
      replies = this.parser.push(chunk);
    } catch (error) {
      this.fail(smtpError("EPROTOCOL", (error as Error).message));
      this.socket.destroy();
      return;
    }
    this.replies.push(...replies);
    this.wake();
  }

  private fail(error: SmtpError): void {
    this.failure ??= error;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    if (waiter && (this.replies.length > 0 || this.failure)) {
      this.waiter = null;
      waiter(this.replies.shift() ?? null);
    }
  }

  private write(data: string | Buffer): void {
    if (!this.failure) this.socket.write(data);
  }

  private command(line: string): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.next();
  }

  /** The next reply; replies that already arrived come first, even after a failure. */
  private next(timeout = 0, what = "a reply"): Promise<SmtpReply> {
    return new Promise((resolve, reject) => {
      const timer =
        timeout > 0
          ? setTimeout(() => {
              this.fail(smtpError("ETIMEDOUT", `timed out waiting for ${what}`));
              this.socket.destroy();
            }, timeout)
          : null;
      this.waiter = (reply) => {
        if (timer) clearTimeout(timer);
        if (reply) resolve(reply);
        else reject(this.failure);
      };
      this.wake();
    });
  }
}

/** This machine's name when it is a domain, else its address literal (as nodemailer did). */
function ehloName(): string {
  let name = "";
  try {
    name = hostname();
  } catch {
    // no name: the address literal below
  }
  return name.includes(".") && !/^[\d.]+$/.test(name) ? name : "[127.0.0.1]";
}
