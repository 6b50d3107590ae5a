import type net from "node:net";
import { PassThrough } from "node:stream";
import tls from "node:tls";
import { parseAddressCommand } from "./address-command.ts";
import { DataReader } from "./data-reader.ts";
import type { DataStream, SessionHost, SessionInfo, Verdict } from "./session-host.ts";
import type { SmtpError } from "./smtp-error.ts";

/** Command lines over this are answered 421 and the session closed (as smtp-server). */
export const MAX_COMMAND_LENGTH = 16 * 1024;
/** Commands a session may send before AUTH, and unknown commands in all (as smtp-server). */
const MAX_UNAUTHENTICATED = 10;
const MAX_UNRECOGNIZED = 10;
/** Input held while a command waits for its answer; past it, the socket is not read. */
const MAX_HELD_INPUT = 64 * 1024;
/** How long a closed session's socket may stay half open before it is destroyed. */
const LINGER_MS = 5_000;

const HTTP_REQUEST = /^(OPTIONS|GET|HEAD|POST|PUT|DELETE|TRACE|CONNECT) \/.* HTTP\/\d\.\d$/i;
const MAIL_FROM = /^MAIL\s+FROM\s*:([\s\S]*)$/i;
const RCPT_TO = /^RCPT\s+TO\s*:([\s\S]*)$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: replies never carry control characters
const CONTROL_GLOBAL = /[\x00-\x1f\x7f]/g;

enum AuthStep {
  None,
  PlainResponse,
  LoginUser,
  LoginPassword,
}

/**
 * One SMTP session (RFC 5321) on one socket: a line reader, a small state machine, and the
 * replies of a turn gathered into one write (RFC 2920 pipelining: commands are answered in
 * order, each after the previous one's hook has answered). What the session does with an
 * address, a login or a message is the host's hooks' business (see ingest-server.ts).
 */
export class SmtpSession<U> implements SessionInfo<U> {
  secure = false;
  user: U | undefined = undefined;
  envelope: { mailFrom: string | null; rcptTo: string[] } = { mailFrom: null, rcptTo: [] };
  readonly openedAt = Date.now();
  /** A hook has the session's next reply (AUTH, MAIL, RCPT, the end of DATA). */
  busy = false;
  closed = false;

  private socket: net.Socket | tls.TLSSocket;
  private input = "";
  private out = "";
  private helo = false;
  private closing = false;
  private authStep = AuthStep.None;
  private loginUser = "";
  private unauthenticated = 0;
  private unrecognized = 0;
  private reader: DataReader | null = null;
  private stream: DataStream | null = null;
  /** Something came from the client since the last tick (SmtpListener's sweep). */
  private active = false;
  private lastActive = this.openedAt;
  private expired = false;
  private peer: string | undefined;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  constructor(
    private readonly host: SessionHost<U>,
    socket: net.Socket,
    readonly id: string,
  ) {
    this.socket = socket;
    this.listen(socket);
  }

  /** The client's address, read when first asked (getpeername is a system call). */
  get remoteAddress(): string {
    this.peer ??= this.socket.remoteAddress ?? "";
    return this.peer;
  }

  /** Greets the client. */
  start(): void {
    const { options } = this.host;
    this.reply(220, `${options.name} ESMTP${options.banner ? ` ${options.banner}` : ""}`);
    this.flush();
  }

  /** Turns the connection away: a 421 and the close. */
  refuse(text: string): void {
    this.reply(421, text);
    this.close();
  }

  /** Whether the session may be evicted for a newcomer: not logged in, and not for a while. */
  evictable(afterMs: number, now: number): boolean {
    return (
      this.user === undefined &&
      !this.closing &&
      !this.closed &&
      !this.busy &&
      now - this.openedAt >= afterMs
    );
  }

  /** The server is closing: the session is told so and closed. */
  shutdown(): void {
    if (this.closing) {
      this.socket.destroy();
      return;
    }
    this.refuse("Server shutting down");
  }

  /**
   * The timeouts, checked by the listener's sweep (one timer for all sessions rather than two
   * per connection): idle for `idleTimeoutMs` since the last tick that saw input, or open for
   * `sessionTimeoutMs`. Never early; late by at most two sweeps.
   */
  tick(now: number): void {
    if (this.closing) return;
    const { idleTimeoutMs, sessionTimeoutMs } = this.host.options.limits;
    if (this.active) {
      this.active = false;
      this.lastActive = now;
    } else if (idleTimeoutMs && now - this.lastActive >= idleTimeoutMs) {
      this.host.limitReached("idle_timeout");
      this.refuse("Timeout - closing connection");
      return;
    }
    if (sessionTimeoutMs && now - this.openedAt >= sessionTimeoutMs) this.expire(sessionTimeoutMs);
  }

  private listen(socket: net.Socket | tls.TLSSocket): void {
    socket.on("data", this.onData);
    socket.on("error", (error) => this.host.socketError(error));
    socket.once("close", () => this.onClose());
  }

  private receive(chunk: Buffer): void {
    this.active = true;
    if (this.closing) return;
    if (this.reader && this.input === "" && !this.busy) {
      this.feedData(chunk);
      this.flushIfWaiting();
      return;
    }
    this.input += chunk.toString("latin1");
    if (this.busy) {
      if (this.input.length > MAX_HELD_INPUT) this.socket.pause();
      return;
    }
    this.pump();
  }

  /** Runs the commands received, in order, until one waits for a hook or the input runs out. */
  private pump(): void {
    while (!this.busy && !this.closing) {
      if (this.reader) {
        if (this.input === "") break;
        const data = Buffer.from(this.input, "latin1");
        this.input = "";
        this.feedData(data);
        continue;
      }
      const nl = this.input.indexOf("\n");
      if (nl === -1) {
        if (this.input.length > MAX_COMMAND_LENGTH) this.tooLong();
        break;
      }
      const end = nl > 0 && this.input.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > MAX_COMMAND_LENGTH) {
        this.tooLong();
        break;
      }
      const line = this.input.slice(0, end);
      this.input = this.input.slice(nl + 1);
      this.command(line);
    }
    this.flushIfWaiting();
  }

  private flushIfWaiting(): void {
    if (this.busy) return;
    if (this.socket.isPaused() && !this.closing && !this.stream?.writableNeedDrain) {
      this.socket.resume();
    }
    this.flush();
  }

  private tooLong(): void {
    this.input = "";
    this.refuse("Error: command line too long");
  }

  private command(line: string): void {
    if (this.authStep !== AuthStep.None) {
      this.authContinue(line);
      return;
    }
    if (this.host.closing) {
      this.refuse("Server shutting down");
      return;
    }
    if (HTTP_REQUEST.test(line)) {
      this.refuse("HTTP requests not allowed");
      return;
    }
    const space = line.indexOf(" ");
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const arg = space === -1 ? "" : line.slice(space + 1).trim();
    if (
      this.user === undefined &&
      verb !== "AUTH" &&
      ++this.unauthenticated >= MAX_UNAUTHENTICATED
    ) {
      this.refuse("Error: too many unauthenticated commands");
      return;
    }
    switch (verb) {
      case "EHLO":
      case "HELO": {
        this.hello(verb, arg);
        return;
      }
      case "AUTH": {
        this.auth(arg);
        return;
      }
      case "MAIL": {
        this.mail(line);
        return;
      }
      case "RCPT": {
        this.rcpt(line);
        return;
      }
      case "DATA": {
        this.data();
        return;
      }
      case "RSET":
        this.resetEnvelope();
        this.reply(250, "Flushed");
        return;
      case "NOOP": {
        this.reply(250, "OK");
        return;
      }
      case "QUIT":
        this.reply(221, "Bye");
        this.close();
        return;
      case "VRFY": {
        this.reply(502, "5.5.1 VRFY is not supported");
        return;
      }
      case "HELP": {
        this.reply(214, "See https://tools.ietf.org/html/rfc5321 for details");
        return;
      }
      case "STARTTLS":
        if (this.host.secureContext) {
          this.startTls(arg);
          return;
        }
    }
    if (++this.unrecognized >= MAX_UNRECOGNIZED) {
      this.refuse("Error: too many unrecognized commands");
      return;
    }
    this.reply(500, "Error: command not recognized");
  }

  private hello(verb: string, arg: string): void {
    if (!arg) {
      this.reply(501, `Error: Syntax: ${verb} hostname`);
      return;
    }
    this.helo = true;
    this.resetEnvelope();
    const { options, secureContext } = this.host;
    const greeting = `${options.name} Nice to meet you, [${this.remoteAddress}]`;
    if (verb === "HELO") {
      this.reply(250, greeting);
      return;
    }
    const lines = [greeting, "PIPELINING", "8BITMIME", "SMTPUTF8", "AUTH PLAIN LOGIN"];
    if (options.size) lines.push(`SIZE ${options.size}`);
    if (secureContext && !this.secure) lines.push("STARTTLS");
    this.reply(250, lines);
  }

  /** Whether MAIL, RCPT and DATA may go on: EHLO said, and logged in. */
  private ready(): boolean {
    if (!this.helo) {
      this.reply(503, "Error: send HELO/EHLO first");
      return false;
    }
    if (this.user === undefined) {
      this.reply(530, "Authentication required");
      return false;
    }
    return true;
  }

  private auth(arg: string): void {
    if (!this.helo) {
      this.reply(503, "Error: send HELO/EHLO first");
      return;
    }
    if (this.user !== undefined) {
      this.reply(503, "Error: No identity changes permitted");
      return;
    }
    const space = arg.indexOf(" ");
    const mechanism = (space === -1 ? arg : arg.slice(0, space)).toUpperCase();
    const initial = space === -1 ? "" : arg.slice(space + 1).trim();
    if (mechanism === "PLAIN") {
      if (initial) {
        this.plain(initial);
        return;
      }
      this.authStep = AuthStep.PlainResponse;
      this.reply(334, "");
      return;
    }
    if (mechanism === "LOGIN") {
      if (initial) {
        this.loginUser = decode(initial);
        this.authStep = AuthStep.LoginPassword;
        this.reply(334, "UGFzc3dvcmQ6");
        return;
      }
      this.authStep = AuthStep.LoginUser;
      this.reply(334, "VXNlcm5hbWU6");
      return;
    }
    this.reply(504, "Error: Unrecognized authentication type");
  }

  private authContinue(line: string): void {
    const step = this.authStep;
    this.authStep = AuthStep.None;
    if (line.trim() === "*") {
      this.reply(501, "Authentication aborted");
      return;
    }
    if (step === AuthStep.PlainResponse) {
      this.plain(line.trim());
      return;
    }
    if (step === AuthStep.LoginUser) {
      this.loginUser = decode(line.trim());
      this.authStep = AuthStep.LoginPassword;
      this.reply(334, "UGFzc3dvcmQ6");
      return;
    }
    const user = this.loginUser;
    this.loginUser = "";
    this.login(user, decode(line.trim()));
  }

  private plain(response: string): void {
    const parts = decode(response).split("\0");
    if (parts.length !== 3) {
      this.reply(500, "Error: invalid userdata");
      return;
    }
    this.login(parts[1]!, parts[2]!);
  }

  private login(username: string, password: string): void {
    this.busy = true;
    this.host.hooks.auth(username, password, this).then(
      (user) => {
        if (this.closed) return;
        const refusal = this.host.admit(user, this);
        if (refusal) {
          this.answer(refusal, 421);
          return;
        }
        this.user = user;
        this.answer(null, 235, "Authentication successful");
      },
      (error: SmtpError) => this.answer(error, 535),
    );
  }

  private mail(line: string): void {
    if (!this.ready()) return;
    const match = MAIL_FROM.exec(line);
    const parsed = match ? parseAddressCommand(match[1]!, true) : null;
    if (!parsed) {
      this.reply(501, "Error: Bad sender address syntax");
      return;
    }
    if (this.envelope.mailFrom !== null) {
      this.reply(503, "Error: nested MAIL command");
      return;
    }
    const size = parsed.params.get("SIZE");
    if (size !== undefined) {
      if (typeof size !== "string" || !/^\d{1,20}$/.test(size)) {
        this.reply(501, "Error: Bad message size syntax");
        return;
      }
      const max = this.host.options.size;
      if (max && Number(size) > max) {
        this.reply(552, `Error: message exceeds fixed maximum message size ${max}`);
        return;
      }
    }
    this.decide(this.host.hooks.mailFrom(parsed.address, this), () => {
      this.envelope.mailFrom = parsed.address;
    });
  }

  private rcpt(line: string): void {
    if (!this.ready()) return;
    const match = RCPT_TO.exec(line);
    const parsed = match ? parseAddressCommand(match[1]!, false) : null;
    if (!parsed) {
      this.reply(501, "Error: Bad recipient address syntax");
      return;
    }
    if (this.envelope.mailFrom === null) {
      this.reply(503, "Error: need MAIL command");
      return;
    }
    const rcptTo = this.envelope.rcptTo;
    if (rcptTo.length >= this.host.options.maxRecipients) {
      this.reply(452, "Error: too many recipients");
      return;
    }
    this.decide(this.host.hooks.rcptTo(parsed.address, this), () => {
      if (!rcptTo.includes(parsed.address)) rcptTo.push(parsed.address);
    });
  }

  /** A MAIL or RCPT hook's verdict, now or later: `accept` and 250, or its refusal. */
  private decide(verdict: Verdict | Promise<Verdict>, accept: () => void): void {
    if (!(verdict instanceof Promise)) {
      if (verdict) {
        this.reply(verdict.responseCode ?? 550, verdict.message);
        return;
      }
      accept();
      this.reply(250, "Accepted");
      return;
    }
    this.busy = true;
    verdict.then(
      (refusal) => {
        if (refusal) {
          this.answer(refusal, 550);
          return;
        }
        accept();
        this.answer(null, 250, "Accepted");
      },
      (error: SmtpError) => this.answer(error, 550),
    );
  }

  private data(): void {
    if (!this.ready()) return;
    if (this.envelope.mailFrom === null) {
      this.reply(503, "Error: need MAIL command");
      return;
    }
    if (this.envelope.rcptTo.length === 0) {
      this.reply(503, "Error: need RCPT command");
      return;
    }
    this.reply(354, "End data with <CR><LF>.<CR><LF>");
    const stream = new PassThrough() as DataStream;
    stream.sizeExceeded = false;
    // A hook that stopped listening never takes the process down with the client's close.
    stream.on("error", ignore);
    this.stream = stream;
    this.reader = new DataReader();
    this.host.hooks.data(stream, this, (error, text) => {
      this.resetEnvelope();
      this.answer(error ?? null, error ? 450 : 250, text ?? "OK: message queued");
    });
  }

  /** Body bytes to the message's stream; at the end of the data, the session waits its answer. */
  private feedData(chunk: Buffer): void {
    const reader = this.reader!;
    const stream = this.stream!;
    const max = this.host.options.size;
    const rest = reader.feed(chunk, (body) => {
      if (stream.sizeExceeded) return;
      if (max && reader.bytes > max) {
        stream.sizeExceeded = true;
        return;
      }
      if (!stream.write(body)) {
        this.socket.pause();
        stream.once("drain", () => this.flushIfWaiting());
      }
    });
    if (rest === null) return;
    this.reader = null;
    this.stream = null;
    this.busy = true;
    this.input = rest.length ? rest.toString("latin1") : "";
    stream.end();
  }

  /** A hook answered: its reply, then the commands that waited. */
  private answer(error: SmtpError | null, code: number, text?: string): void {
    this.busy = false;
    if (this.closed) return;
    const replyCode = error ? (error.responseCode ?? code) : code;
    if (replyCode === 421) {
      this.refuse(error?.message ?? text ?? "");
      return;
    }
    this.reply(replyCode, error ? error.message : (text ?? ""));
    this.pump();
  }

  private resetEnvelope(): void {
    this.envelope = { mailFrom: null, rcptTo: [] };
  }

  private startTls(arg: string): void {
    if (arg) {
      this.reply(501, "Error: syntax: STARTTLS");
      return;
    }
    if (this.secure) {
      this.reply(503, "Error: TLS already active");
      return;
    }
    this.reply(220, "Ready to start TLS");
    this.flush();
    // RFC 3207: nothing the client sent after STARTTLS counts; the session starts over.
    this.input = "";
    this.busy = true;
    const raw = this.socket as net.Socket;
    raw.removeListener("data", this.onData);
    const secure = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext: this.host.secureContext,
    });
    secure.once("secure", () => {
      this.socket = secure;
      this.secure = true;
      this.helo = false;
      this.resetEnvelope();
      secure.on("data", this.onData);
      this.busy = false;
      this.pump();
    });
    secure.on("error", (error) => {
      this.host.socketError(error);
      raw.destroy();
    });
    secure.once("close", () => this.onClose());
  }

  /**
   * Closes a session that lasted too long, but never while the client waits for our answer to a
   * command or a message: a 421 then could make it send again a message we are committing.
   */
  private expire(sessionTimeout: number): void {
    if (this.busy || this.expired) return;
    this.expired = true;
    this.host.limitReached("session_timeout");
    this.refuse(
      `4.4.2 Session open for more than ${Math.round(sessionTimeout / 1000)} s, closing connection`,
    );
  }

  private reply(code: number, text: string | string[]): void {
    if (typeof text === "string") {
      this.out += `${code} ${text.replace(CONTROL_GLOBAL, " ")}\r\n`;
      return;
    }
    const last = text.length - 1;
    for (let i = 0; i <= last; i++) {
      this.out += `${code}${i < last ? "-" : " "}${text[i]!.replace(CONTROL_GLOBAL, " ")}\r\n`;
    }
  }

  /** Writes the replies gathered so far, in one write. */
  private flush(): void {
    if (this.out === "") return;
    const out = this.out;
    this.out = "";
    const socket = this.socket;
    if (!socket.destroyed && socket.writable) socket.write(out, "latin1");
  }

  /** Ends the session: the replies out, then the socket ended (destroyed if left half open). */
  private close(): void {
    if (this.closing) return;
    this.closing = true;
    this.flush();
    const socket = this.socket;
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    const stream = this.stream;
    if (stream) {
      this.stream = null;
      this.reader = null;
      stream.destroy(new Error("the client closed the connection in DATA"));
    }
    this.host.ended(this);
  }
}

function ignore(): void {}

function decode(base64: string): string {
  return Buffer.from(base64, "base64").toString("utf8");
}
