import net from "node:net";
import os from "node:os";
import tls from "node:tls";
import { isLoopback, type RelayEndpoint } from "./relay-tls.ts";

/** One reply of the server: its code and its full text (lines joined with "\n", codes kept). */
export interface SmtpReply {
  code: number;
  text: string;
}

/** A connection-level problem: no reply to map, or a reply that ends the session. */
export class SmtpError extends Error {
  constructor(
    /** ECONNECTION, ETIMEDOUT, ETLS, EAUTH, EPROTOCOL. */
    readonly code: string,
    message: string,
    /** The reply that caused it, when there was one. */
    readonly reply?: SmtpReply,
  ) {
    super(message);
    this.name = "SmtpError";
  }
}

/** The relay's endpoint (see RelayEndpoint; a certificate is always verified against `host`). */
export interface SmtpConnectOptions extends RelayEndpoint {
  /** Longest wait for connect or any reply; an idle connection is closed after it too. */
  timeoutMs: number;
  /** EHLO name; the host name when it is qualified, else the local address literal. */
  name?: string;
}

/** What became of each step of one mail transaction; absent = never answered. */
export interface TransactionReplies {
  mail?: SmtpReply;
  /** One per recipient, in order; shorter when the session ended early. */
  rcpt: SmtpReply[];
  /** The reply to DATA (354 when the content was sent). */
  data?: SmtpReply;
  /** The final reply to the content. */
  final?: SmtpReply;
  /** Why the transaction stopped before it had every reply. */
  error?: SmtpError;
}

interface Waiter {
  /** Replies still to collect for this waiter. */
  left: number;
  replies: SmtpReply[];
  resolve: (replies: SmtpReply[]) => void;
  reject: (error: SmtpError) => void;
}

const DOT_CRLF = Buffer.from(".\r\n");
const CRLF_DOT_CRLF = Buffer.from("\r\n.\r\n");
const DOT = Buffer.from(".");
const CR = Buffer.from("\r");
const NON_ASCII = /[\u0080-\uffff]/;
const HIGH_LATIN1 = /[\u0080-\u00ff]/;

/**
 * One SMTP client connection to the upstream relay, kept open for many transactions: greeting,
 * EHLO (HELO as fallback), STARTTLS when offered, AUTH PLAIN/LOGIN, then MAIL/RCPT/DATA, with
 * RFC 2920 pipelining when the server offers it (envelope and DATA in one write, the content and
 * its final dot in another). Every wait ends: on a reply, on the timeout or when the socket closes.
 */
export class SmtpConnection {
  /** Transactions started on this connection. */
  messages = 0;
  /** Set once the connection may not carry another transaction. */
  failure: SmtpError | null = null;
  /** Called once when the connection is gone (closed, failed or quit). */
  onClose: ((connection: SmtpConnection) => void) | null = null;
  readonly extensions = new Set<string>();
  private authMethods: string[] = [];
  private socket: net.Socket;
  private pending = "";
  private multiline = "";
  private readonly waiters: Waiter[] = [];
  private closed = false;
  private quitting = false;
  /** Past the handshake: a timeout with nothing asked is idleness, not a silent relay. */
  private ready = false;

  private constructor(
    private readonly options: SmtpConnectOptions,
    socket: net.Socket,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connects and readies a session (greeting, EHLO, STARTTLS, AUTH); throws an SmtpError. */
  static async open(options: SmtpConnectOptions): Promise<SmtpConnection> {
    const socket = options.secure
      ? tls.connect({ ...tlsOptions(options), port: options.port })
      : net.connect({ host: options.host, port: options.port });
    const connection = new SmtpConnection(options, socket);
    try {
      await connection.handshake();
      connection.ready = true;
      return connection;
    } catch (error) {
      connection.destroy(asSmtpError(error));
      throw asSmtpError(error);
    }
  }

  get usable(): boolean {
    return this.failure === null && !this.closed && !this.quitting;
  }

  get pipelining(): boolean {
    return this.extensions.has("PIPELINING");
  }

  /** The session runs over TLS (smtps:// or after STARTTLS), its certificate verified. */
  get encrypted(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  /**
   * One mail transaction. Never throws: a lost connection or timeout is `error` in the result,
   * with whatever replies came before it. After a failure the session is RSET for the next one.
   */
  async send(from: string, recipients: string[], raw: Buffer): Promise<TransactionReplies> {
    this.messages++;
    const result: TransactionReplies = { rcpt: [] };
    try {
      await (this.pipelining
        ? this.envelopePipelined(from, recipients, result)
        : this.envelopeLockStep(from, recipients, result));
      if (result.data?.code === 354) {
        const accepted = result.rcpt.some((r) => r.code < 300) && result.mail!.code < 300;
        // A server that says 354 with no recipient accepted gets an empty message, then RSET.
        this.socket.write(accepted ? dotStuffed(raw) : DOT_CRLF);
        const [final] = await this.read(1);
        if (accepted) result.final = final;
      }
    } catch (error) {
      result.error = asSmtpError(error);
      this.destroy(result.error);
      return result;
    }
    if (result.final === undefined || result.final.code >= 300) await this.reset();
    return result;
  }

  /** Ends the session politely (QUIT) and resolves once the socket is closed. */
  quit(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.quitting = true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), 2000);
      timer.unref();
      this.socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.failure) this.socket.destroy();
      else this.socket.end("QUIT\r\n");
    });
  }

  /** Drops the connection at once; pending waits are rejected with `error`. */
  destroy(error: SmtpError): void {
    if (!this.failure) this.failure = error;
    this.failWaiters(this.failure);
    this.socket.destroy();
  }

  private async envelopePipelined(
    from: string,
    recipients: string[],
    result: TransactionReplies,
  ): Promise<void> {
    let command = this.mailCommand(from, recipients);
    for (const recipient of recipients) command += `RCPT TO:<${recipient}>\r\n`;
    command += "DATA\r\n";
    this.socket.write(command);
    let replies: SmtpReply[];
    try {
      replies = await this.read(recipients.length + 2);
    } catch (error) {
      const partial = (error as SmtpError & { partial?: SmtpReply[] }).partial ?? [];
      this.collect(partial, recipients.length, result);
      throw error;
    }
    this.collect(replies, recipients.length, result);
  }

  private collect(replies: SmtpReply[], count: number, result: TransactionReplies): void {
    result.mail = replies[0];
    for (let i = 1; i <= count && i < replies.length; i++) result.rcpt.push(replies[i]!);
    result.data = replies[count + 1];
  }

  private async envelopeLockStep(
    from: string,
    recipients: string[],
    result: TransactionReplies,
  ): Promise<void> {
    result.mail = await this.command(this.mailCommand(from, recipients));
    if (result.mail.code >= 300) return;
    let accepted = 0;
    for (const recipient of recipients) {
      const reply = await this.command(`RCPT TO:<${recipient}>\r\n`);
      result.rcpt.push(reply);
      if (reply.code < 300) accepted++;
    }
    if (accepted > 0) result.data = await this.command("DATA\r\n");
  }

  private mailCommand(from: string, recipients: string[]): string {
    let command = `MAIL FROM:<${from}>`;
    if (this.extensions.has("8BITMIME")) command += " BODY=8BITMIME";
    if (
      this.extensions.has("SMTPUTF8") &&
      (NON_ASCII.test(from) || recipients.some((r) => NON_ASCII.test(r)))
    ) {
      command += " SMTPUTF8";
    }
    return `${command}\r\n`;
  }

  private async reset(): Promise<void> {
    if (!this.usable) return;
    try {
      const reply = await this.command("RSET\r\n");
      if (reply.code >= 300) this.destroy(new SmtpError("EPROTOCOL", "RSET refused", reply));
    } catch (error) {
      this.destroy(asSmtpError(error));
    }
  }

  private async handshake(): Promise<void> {
    const [greeting] = await this.read(1);
    if (greeting!.code !== 220) {
      throw new SmtpError("EPROTOCOL", `Relay greeting: ${greeting!.text}`, greeting);
    }
    await this.hello();
    const { secure, tls: mode, user } = this.options;
    if (!secure && mode !== "none" && this.extensions.has("STARTTLS")) {
      const reply = await this.command("STARTTLS\r\n");
      if (reply.code !== 220) throw new SmtpError("ETLS", `STARTTLS: ${reply.text}`, reply);
      await this.upgrade();
      await this.hello();
    } else if (!secure && mode === "required") {
      // A relay that does not offer STARTTLS, or a network that strips it: mail waits.
      throw new SmtpError(
        "ETLS",
        "The relay did not offer STARTTLS and SMTP_RELAY_URL requires TLS (tls=required); nothing was sent",
      );
    }
    if (user === undefined) return;
    // Whatever the policy says, a password never crosses a network in clear (the peer address
    // is the one connected to, so a name that resolved elsewhere does not count as loopback).
    if (!this.encrypted && !isLoopback(this.socket.remoteAddress ?? "")) {
      throw new SmtpError(
        "ETLS",
        "Not authenticating to the relay in clear text: the session is not encrypted (no STARTTLS offered) and the relay is not on loopback; nothing was sent",
      );
    }
    await this.login(user, this.options.pass ?? "");
  }

  private async hello(): Promise<void> {
    const name = this.options.name ?? this.ehloName();
    let reply = await this.command(`EHLO ${name}\r\n`);
    this.extensions.clear();
    this.authMethods = [];
    if (reply.code >= 500) {
      reply = await this.command(`HELO ${name}\r\n`);
      if (reply.code >= 300) throw new SmtpError("EPROTOCOL", `HELO: ${reply.text}`, reply);
      return;
    }
    if (reply.code >= 300) throw new SmtpError("EPROTOCOL", `EHLO: ${reply.text}`, reply);
    const lines = reply.text.split("\n");
    for (let i = 1; i < lines.length; i++) {
      const words = lines[i]!.slice(4)
        .trim()
        .toUpperCase()
        .split(/[\s=]+/);
      this.extensions.add(words[0]!);
      if (words[0] === "AUTH") this.authMethods.push(...words.slice(1));
    }
  }

  private ehloName(): string {
    const host = os.hostname();
    if (host.includes(".")) return host;
    const local = this.socket.localAddress ?? "127.0.0.1";
    return net.isIPv6(local) ? `[IPv6:${local}]` : `[${local}]`;
  }

  private async login(user: string, pass: string): Promise<void> {
    let reply: SmtpReply;
    if (this.authMethods.includes("LOGIN") && !this.authMethods.includes("PLAIN")) {
      reply = await this.command("AUTH LOGIN\r\n");
      if (reply.code === 334) reply = await this.command(`${base64(user)}\r\n`);
      if (reply.code === 334) reply = await this.command(`${base64(pass)}\r\n`);
    } else {
      reply = await this.command(`AUTH PLAIN ${base64(`\0${user}\0${pass}`)}\r\n`);
    }
    if (reply.code !== 235) throw new SmtpError("EAUTH", `Authentication: ${reply.text}`, reply);
  }

  private upgrade(): Promise<void> {
    const plain = this.socket;
    plain.off("data", this.onData);
    plain.off("close", this.onSocketClose);
    plain.off("timeout", this.onTimeout);
    plain.setTimeout(0);
    // host given too: without it Node checks the certificate against "localhost" when the
    // relay is named by an IP address.
    const secure = tls.connect({ ...tlsOptions(this.options), socket: plain });
    this.socket = secure;
    this.attach(secure);
    return new Promise((resolve, reject) => {
      secure.once("secureConnect", () => resolve());
      // A failed handshake (bad certificate, timeout) ends in "close" after "error".
      secure.once("close", () =>
        reject(new SmtpError("ETLS", `STARTTLS failed: ${this.failure?.message ?? "closed"}`)),
      );
    });
  }

  private attach(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.setTimeout(this.options.timeoutMs);
    socket.on("data", this.onData);
    socket.on("timeout", this.onTimeout);
    socket.on("error", this.onSocketError);
    socket.on("close", this.onSocketClose);
  }

  private readonly onSocketError = (error: NodeJS.ErrnoException): void => {
    // Network errors name their system call; certificate and handshake errors do not.
    const tlsError = this.socket instanceof tls.TLSSocket && !error.syscall;
    this.fail(new SmtpError(tlsError ? "ETLS" : "ECONNECTION", error.message));
  };

  private readonly onSocketClose = (): void => {
    this.closed = true;
    this.fail(new SmtpError("ECONNECTION", "Connection closed by the relay"));
    const onClose = this.onClose;
    this.onClose = null;
    onClose?.(this);
  };

  private readonly onTimeout = (): void => {
    if (this.waiters.length === 0 && this.ready) {
      // Idle too long: the relay would drop it soon anyway.
      void this.quit();
      return;
    }
    const seconds = this.options.timeoutMs / 1000;
    this.destroy(new SmtpError("ETIMEDOUT", `No answer from the relay within ${seconds} s`));
  };

  private fail(error: SmtpError): void {
    if (!this.failure) this.failure = error;
    this.failWaiters(this.failure);
  }

  private failWaiters(error: SmtpError): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.reject(
        Object.assign(new SmtpError(error.code, error.message, error.reply), {
          partial: waiter.replies,
        }),
      );
    }
  }

  private command(line: string): Promise<SmtpReply> {
    this.socket.write(line);
    return this.read(1).then((replies) => replies[0]!);
  }

  /** The next `count` replies, in order. */
  private read(count: number): Promise<SmtpReply[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ left: count, replies: [], resolve, reject });
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    let data = this.pending + chunk.toString("latin1");
    let start = 0;
    for (;;) {
      const end = data.indexOf("\n", start);
      if (end === -1) break;
      const line =
        data.charCodeAt(end - 1) === 13 ? data.slice(start, end - 1) : data.slice(start, end);
      start = end + 1;
      const code = replyCode(line);
      if (code === 0) {
        const shown = line.slice(0, 200);
        this.destroy(new SmtpError("EPROTOCOL", `Invalid reply from the relay: ${shown}`));
        return;
      }
      if (line.charCodeAt(3) === 45 /* - */) {
        this.multiline += `${line}\n`;
        continue;
      }
      let text = this.multiline ? this.multiline + line : line;
      this.multiline = "";
      // Read as latin1 (a chunk may split a character); texts are UTF-8 when not ASCII.
      if (HIGH_LATIN1.test(text)) text = Buffer.from(text, "latin1").toString("utf8");
      this.deliverReply({ code, text });
      if (this.failure) return;
    }
    if (start > 0) data = data.slice(start);
    if (data.length > 64 * 1024) {
      this.destroy(new SmtpError("EPROTOCOL", "Reply line too long"));
      return;
    }
    this.pending = data;
  };

  private deliverReply(reply: SmtpReply): void {
    if (this.quitting) return;
    const waiter = this.waiters[0];
    if (!waiter) {
      // Unasked: a 421 before the relay hangs up, or a confused server.
      const text = `Unexpected reply from the relay: ${reply.text}`;
      this.destroy(new SmtpError(reply.code === 421 ? "ECONNECTION" : "EPROTOCOL", text, reply));
      return;
    }
    waiter.replies.push(reply);
    if (--waiter.left === 0) {
      this.waiters.shift();
      waiter.resolve(waiter.replies);
    }
    // The relay is closing the session: nothing more will come on this connection.
    if (reply.code === 421) this.destroy(new SmtpError("ECONNECTION", reply.text, reply));
  }
}

/** The code of a reply line ("250 ok", "250-…", "250"), or 0 when it is not one. */
function replyCode(line: string): number {
  const a = line.charCodeAt(0) - 48;
  const b = line.charCodeAt(1) - 48;
  const c = line.charCodeAt(2) - 48;
  if (!(a >= 2 && a <= 5 && b >= 0 && b <= 9 && c >= 0 && c <= 9)) return 0;
  const sep = line.charCodeAt(3);
  if (line.length > 3 && sep !== 32 && sep !== 45) return 0;
  return a * 100 + b * 10 + c;
}

/** Certificates verified against the relay's name (SNI when it is a name), with `ca` if given. */
function tlsOptions(options: SmtpConnectOptions): tls.ConnectionOptions {
  return {
    host: options.host,
    rejectUnauthorized: true,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(net.isIP(options.host) ? {} : { servername: options.host }),
  };
}

function asSmtpError(error: unknown): SmtpError {
  if (error instanceof SmtpError) return error;
  return new SmtpError("ECONNECTION", error instanceof Error ? error.message : String(error));
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/**
 * The message as DATA content: bare LF made CRLF, a line starting with "." given another, and the
 * final CRLF.CRLF appended, in one buffer for one write. Bytes are sent as they are (8-bit).
 */
export function dotStuffed(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  if (raw.length > 0 && raw[0] === 0x2e) parts.push(DOT);
  let lf = raw.indexOf(0x0a);
  while (lf !== -1) {
    const bare = lf === 0 || raw[lf - 1] !== 0x0d;
    const dot = raw[lf + 1] === 0x2e;
    if (bare || dot) {
      if (bare) {
        parts.push(raw.subarray(from, lf), CR);
        from = lf;
      }
      if (dot) {
        parts.push(raw.subarray(from, lf + 1), DOT);
        from = lf + 1;
      }
    }
    lf = raw.indexOf(0x0a, lf + 1);
  }
  const endsWithLine = raw.length === 0 || raw[raw.length - 1] === 0x0a;
  if (parts.length === 0) {
    return Buffer.concat([raw, endsWithLine ? DOT_CRLF : CRLF_DOT_CRLF]);
  }
  parts.push(raw.subarray(from), endsWithLine ? DOT_CRLF : CRLF_DOT_CRLF);
  return Buffer.concat(parts);
}
