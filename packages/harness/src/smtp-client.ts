import net from "node:net";

export interface SmtpReply {
  code: number;
  /** Text of every line of the reply, without the code. */
  lines: string[];
}

/**
 * A bare SMTP client on node:net for protocol tests and load generators: write anything
 * (pipelined or not) and read the server's replies one by one, multi-line replies joined.
 */
export class RawSmtpClient {
  private buffer = "";
  private readonly replies: SmtpReply[] = [];
  private readonly waiting: Array<(reply: SmtpReply | null) => void> = [];
  private partial: string[] = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding("latin1");
    socket.on("data", (data: string) => this.onData(data));
    socket.on("close", () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w(null);
    });
    socket.on("error", () => undefined);
  }

  /** `noDelay` sends each write at once (no Nagle): what a load generator wants. */
  static connect(
    port: number,
    host = "127.0.0.1",
    options: { noDelay?: boolean } = {},
  ): Promise<RawSmtpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host, noDelay: options.noDelay ?? false }, () =>
        resolve(new RawSmtpClient(socket)),
      );
      socket.once("error", reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Writes and waits until the socket takes more (or closes): large uploads in bounded memory. */
  async writeDrained(data: string | Buffer): Promise<void> {
    if (this.socket.write(data) || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off("drain", done).off("close", done);
        resolve();
      };
      this.socket.on("drain", done).on("close", done);
    });
  }

  /** The next reply; null when the server closed the connection first. */
  read(timeoutMs = 10_000): Promise<SmtpReply | null> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(deliver);
        if (i !== -1) this.waiting.splice(i, 1);
        reject(new Error(`no SMTP reply within ${timeoutMs} ms`));
      }, timeoutMs);
      const deliver = (reply: SmtpReply | null) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.waiting.push(deliver);
    });
  }

  /** Whether a reply arrives within `ms` (without consuming it). */
  async hasReplyWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (this.replies.length > 0 || this.closed) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.replies.length > 0;
  }

  /** Sends a command and returns its reply. */
  async command(line: string): Promise<SmtpReply | null> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  /** Reads the greeting, says EHLO and authenticates with AUTH PLAIN; returns the EHLO reply. */
  async login(user: string, password: string): Promise<SmtpReply> {
    const greeting = await this.read();
    if (greeting?.code !== 220) throw new Error(`greeting ${JSON.stringify(greeting)}`);
    const ehlo = await this.command("EHLO client.test");
    if (ehlo?.code !== 250) throw new Error(`EHLO ${JSON.stringify(ehlo)}`);
    const token = Buffer.from(`\0${user}\0${password}`).toString("base64");
    const auth = await this.command(`AUTH PLAIN ${token}`);
    if (auth?.code !== 235) throw new Error(`AUTH ${JSON.stringify(auth)}`);
    return ehlo;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(data: string): void {
    this.buffer += data;
    let nl = this.buffer.indexOf("\r\n");
    while (nl !== -1) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 2);
      this.partial.push(line.slice(4));
      if (line.charAt(3) !== "-") {
        const reply = { code: Number(line.slice(0, 3)), lines: this.partial };
        this.partial = [];
        const waiter = this.waiting.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
      nl = this.buffer.indexOf("\r\n");
    }
  }
}

/** A message with these headers and body, CRLF line ends; no body line may start with a dot. */
export function rawMessage(headers: Record<string, string>, body = "Hello.\r\n"): string {
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  return `${head}\r\n${body}`;
}
