/** One SMTP reply: its code and its lines as the server sent them ("250-a", "250 b"). */
export interface SmtpReply {
  code: number;
  lines: string[];
}

/** The reply as one text, lines joined with "\n", as the error messages quote it. */
export const replyText = (reply: SmtpReply) => reply.lines.join("\n");

/** A line longer than this (no CRLF in sight) is not SMTP: RFC 5321 §4.5.3.1.5 allows 512. */
const MAX_LINE = 64 * 1024;

/**
 * Splits what the server sends into replies: `ddd-text` lines continue a reply, `ddd text` (or a
 * bare `ddd`) ends it (RFC 5321 §4.2.1). Anything else is a protocol error, thrown by push().
 */
export class ReplyParser {
  private pending = "";
  private lines: string[] = [];

  push(chunk: string): SmtpReply[] {
    this.pending += chunk;
    const replies: SmtpReply[] = [];
    let end = this.pending.indexOf("\n");
    while (end !== -1) {
      const line = this.pending.slice(0, end).replace(/\r$/, "");
      this.pending = this.pending.slice(end + 1);
      const reply = this.line(line);
      if (reply) replies.push(reply);
      end = this.pending.indexOf("\n");
    }
    if (this.pending.length > MAX_LINE) throw new Error("reply line too long");
    return replies;
  }

  private line(line: string): SmtpReply | null {
    const match = /^([2-5]\d\d)([ -]|$)/.exec(line);
    const code = match ? Number(match[1]) : 0;
    const first = this.lines[0];
    if (!match || (first !== undefined && !first.startsWith(match[1]!))) {
      throw new Error(`not an SMTP reply: ${JSON.stringify(line.slice(0, 100))}`);
    }
    this.lines.push(line);
    if (match[2] === "-") return null;
    const reply = { code, lines: this.lines };
    this.lines = [];
    return reply;
  }
}

/** The EHLO reply's keywords (upper case) and their parameters: AUTH → ["PLAIN", "LOGIN"]. */
export function extensions(reply: SmtpReply): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of reply.lines.slice(1)) {
    const [keyword, ...params] = line.slice(4).trim().split(/\s+/);
    if (keyword)
      out.set(
        keyword.toUpperCase(),
        params.map((p) => p.toUpperCase()),
      );
  }
  return out;
}

/**
 * The message as DATA sends it: a line that starts with "." gets a second one (RFC 5321
 * §4.5.2), the last line ends with CRLF, then the ".\r\n" that ends the data.
 */
export function dotStuffed(raw: Buffer): Buffer {
  let text = raw.toString("latin1").replace(/(^|\n)\./g, "$1..");
  if (text.length > 0 && !text.endsWith("\r\n")) text += "\r\n";
  return Buffer.from(`${text}.\r\n`, "latin1");
}
