import { Readable, Transform, type TransformCallback, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mailsplit, { type MimeNode, type SplitterChunk } from "@zone-eu/mailsplit";
import { decode as qpDecode, encode as qpEncode, wrap as qpWrap } from "libqp";

/** RFC 5322 2.1.1 / RFC 5321 4.5.3.1.6: a line is at most 998 octets, CRLF excluded. */
export const MAX_LINE = 998;

/** Decides, once a leaf part's body is complete, whether it is encoded anew. */
export type PartFilter = (node: MimeNode, body: Buffer) => boolean;

export interface ReencodeOptions {
  /**
   * For a relay without 8BITMIME: multipart and message/rfc822 parts declared `8bit` or
   * `binary` are declared `7bit` (their leaves are what carried the 8-bit content).
   */
  sevenBit?: boolean;
}

/** Length of the longest line, line break excluded. */
export function longestLine(raw: Buffer, from = 0, to = raw.length): number {
  let longest = 0;
  let start = from;
  for (;;) {
    const lf = raw.indexOf(0x0a, start);
    const end = lf === -1 || lf >= to ? to : lf;
    const length = end - start - (end > start && raw[end - 1] === 0x0d ? 1 : 0);
    if (length > longest) longest = length;
    if (end === to) return longest;
    start = lf + 1;
  }
}

/** Whether any byte is outside 7-bit ASCII. */
export function has8bit(raw: Buffer, from = 0, to = raw.length): boolean {
  for (let i = from; i < to; i++) if (raw[i]! > 0x7f) return true;
  return false;
}

/**
 * Encodes anew the leaf parts `select` picks: base64 stays base64 (lines of 76), everything else
 * becomes quoted-printable (soft line breaks at 76, 8-bit bytes escaped) with its
 * Content-Transfer-Encoding updated. mailsplit (the MIME splitter of nodemailer's authors)
 * finds the parts and rebuilds the message; parts not picked, boundaries, preambles and headers
 * come out byte for byte. Throws when the MIME structure cannot be read (e.g. a header block
 * over mailsplit's 1 MiB).
 */
export async function reencodeParts(
  raw: Buffer,
  select: PartFilter,
  options: ReencodeOptions = {},
): Promise<{ raw: Buffer; changed: number }> {
  let changed = 0;
  let held: MimeNode | null = null;
  let body: Buffer[] = [];
  const flush = (stream: Transform) => {
    if (!held) return;
    const node = held;
    const content = Buffer.concat(body);
    held = null;
    body = [];
    if (select(node, content)) {
      changed++;
      const encoded = reencode(node, content);
      // a transfer encoding means nothing to a reader without MIME-Version
      if (node.root && node.headers && !node.headers.hasHeader("MIME-Version")) {
        setField(node.headers, "MIME-Version", "1.0");
      }
      stream.push(node);
      stream.push({ node, type: "body", value: encoded });
    } else {
      stream.push(node);
      if (content.length > 0) stream.push({ node, type: "body", value: content });
    }
  };
  const rewrite = new Transform({
    objectMode: true,
    transform(chunk: SplitterChunk, _encoding, callback: TransformCallback) {
      if (chunk.type === "body" && held) {
        body.push(chunk.value);
        return callback();
      }
      flush(this);
      if (chunk.type === "node") {
        if (chunk.multipart || chunk.rfc822) {
          if (options.sevenBit && (chunk.encoding === "8bit" || chunk.encoding === "binary")) {
            if (chunk.headers) setField(chunk.headers, "Content-Transfer-Encoding", "7bit");
          }
          this.push(chunk);
        } else {
          held = chunk;
        }
        return callback();
      }
      this.push(chunk);
      callback();
    },
    flush(callback) {
      flush(this);
      callback();
    },
  });
  const out: Buffer[] = [];
  await pipeline(
    Readable.from([raw]),
    new mailsplit.Splitter(),
    rewrite,
    new mailsplit.Joiner(),
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return changed === 0 ? { raw, changed } : { raw: Buffer.concat(out), changed };
}

type Headers = Exclude<MimeNode["headers"], false>;

/** Replaces a field where it stands, or adds it last (trace fields such as Received stay on top). */
function setField(headers: Headers, key: string, value: string): void {
  if (headers.hasHeader(key)) headers.update(key, value);
  else headers.add(key, value, headers.getList().length);
}

/** The part's content encoded anew; its Content-Transfer-Encoding header follows. */
function reencode(node: MimeNode, content: Buffer): Buffer {
  const headers = node.headers as Headers;
  // the line break before the next boundary belongs to the boundary, not to the content
  const lineEnd = content.length > 0 && content[content.length - 1] === 0x0a;
  if (node.encoding === "base64") {
    const data = Buffer.from(content.toString("latin1"), "base64");
    const text = data.toString("base64").replace(/.{76}(?=.)/g, "$&\r\n");
    return Buffer.from(lineEnd ? `${text}\r\n` : text, "latin1");
  }
  const data = node.encoding === "quoted-printable" ? qpDecode(content) : content;
  setField(headers, "Content-Transfer-Encoding", "quoted-printable");
  return Buffer.from(qpWrap(qpEncode(data), 76), "latin1");
}
