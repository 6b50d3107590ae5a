/**
 * The body of a DATA command as it arrives (RFC 5321 4.5.2): ends at CRLF "." CRLF, a line's
 * leading ".." loses one dot, and nothing else is changed. A bare LF "." LF does not end it (no
 * SMTP smuggling); the last 4 bytes of each chunk wait for the next one, so that an end split
 * over two packets is still found. What comes after the end goes back to the command reader.
 */
export class DataReader {
  /** Bytes of body given out so far (after dot-unstuffing). */
  bytes = 0;
  private tail: Buffer | null = null;
  private atStart = true;

  /**
   * Feeds a chunk: `emit` gets body bytes; returns what follows the end of the data when the
   * end was in this chunk, or null when more is needed.
   */
  feed(chunk: Buffer, emit: (body: Buffer) => void): Buffer | null {
    let buf = chunk;
    if (this.tail) {
      buf = Buffer.concat([this.tail, chunk]);
      this.tail = null;
    }
    let start = 0;
    if (this.atStart) {
      if (buf.length < 3) {
        this.tail = buf;
        return null;
      }
      this.atStart = false;
      if (buf[0] === 0x2e && buf[1] === 0x0d && buf[2] === 0x0a) return buf.subarray(3);
      if (buf[0] === 0x2e && buf[1] === 0x2e) start = 1;
    }
    const give = (end: number) => {
      if (end > start) {
        this.bytes += end - start;
        emit(buf.subarray(start, end));
      }
    };
    // A dot is looked at once its two following bytes are here; the last 4 bytes wait for the
    // next chunk, where the search starts at their third (the first two were looked at here).
    const limit = buf.length - 2;
    let i = buf.indexOf(0x2e, Math.max(start, 2));
    while (i !== -1 && i < limit) {
      if (buf[i - 1] === 0x0a) {
        if (buf[i - 2] === 0x0d && buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) {
          give(i);
          return buf.subarray(i + 3);
        }
        if (buf[i + 1] === 0x2e) {
          give(i);
          start = i + 1;
          i += 2;
          i = buf.indexOf(0x2e, i);
          continue;
        }
      }
      i = buf.indexOf(0x2e, i + 1);
    }
    const keep = Math.max(start, buf.length - 4);
    give(keep);
    this.tail = keep < buf.length ? Buffer.from(buf.subarray(keep)) : null;
    return null;
  }
}
