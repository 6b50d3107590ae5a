/**
 * The one way to find a message's header block and read its fields, for ingest's summary, the
 * panel's header view, the MTA's trace headers and relay checks, and the sendmail command. It
 * imports nothing: the sendmail command loads this file alone (`@scripts-email/domain/header-block`),
 * not the domain, so that PHP's mail() does not pay for the rest at every call.
 */

/** One header field as received: its name and its bytes (folded continuation lines included). */
export interface HeaderField {
  name: string;
  /** Unfolded value, decoded as UTF-8 (header bytes are usually ASCII). */
  value: string;
  bytes: Buffer;
}

export interface SplitMessage {
  fields: HeaderField[];
  /** Everything after the header block, starting with the empty line that ends it (if any). */
  rest: Buffer;
}

export interface SplitOptions {
  /**
   * Skip a line that is no field (and its continuation lines) rather than end the block there:
   * to show what a damaged message carries. The MTA reads as recipients do, so it never does.
   */
  lenient?: boolean;
  /** Stop at this many fields. */
  maxFields?: number;
}

/** Header blocks bigger than this are not scanned further (the rest counts as body). */
export const MAX_HEADER_BYTES = 256 * 1024;

/**
 * Splits a raw message into its header fields and the rest, byte for byte: a field's bytes are a
 * slice of `raw`, so joining them back gives the same bytes. Reads lines up to the first empty one
 * (CRLF or bare LF), unfolding continuation lines, and never past MAX_HEADER_BYTES.
 */
export function splitMessage(input: Uint8Array, options: SplitOptions = {}): SplitMessage {
  const raw = Buffer.isBuffer(input)
    ? input
    : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const maxFields = options.maxFields ?? Number.POSITIVE_INFINITY;
  const fields: HeaderField[] = [];
  const limit = Math.min(raw.length, MAX_HEADER_BYTES);
  let pos = 0;
  let last: { field: HeaderField; start: number } | null = null;
  while (pos < limit) {
    const nl = raw.indexOf(0x0a, pos);
    const stop = nl === -1 || nl >= limit ? limit : nl + 1;
    let end = stop;
    if (raw[end - 1] === 0x0a) end--;
    if (end > pos && raw[end - 1] === 0x0d) end--;
    if (end === pos) break; // the empty line: the body follows
    if (raw[pos] === 0x20 || raw[pos] === 0x09) {
      if (last) {
        const more = raw.toString("utf8", pos, end).trim();
        const joined = last.field.value === "" ? more : `${last.field.value} ${more}`;
        last.field.value = options.lenient ? joined.trim() : joined;
        last.field.bytes = raw.subarray(last.start, stop);
      } else if (!options.lenient && fields.length === 0) {
        break; // a block cannot start with a continuation line
      }
      pos = stop;
      continue;
    }
    const colon = raw.subarray(pos, end).indexOf(0x3a);
    const name = colon > 0 ? raw.toString("utf8", pos, pos + colon) : null;
    if (name === null || (!options.lenient && /\s/.test(name))) {
      // A line that is no header ends the block (a body without the empty separator line).
      if (!options.lenient) break;
      last = null;
      pos = stop;
      continue;
    }
    if (fields.length >= maxFields) break;
    const field = {
      name: options.lenient ? name.trim() : name,
      value: raw.toString("utf8", pos + colon + 1, end).trim(),
      bytes: raw.subarray(pos, stop),
    };
    fields.push(field);
    last = { field, start: pos };
    pos = stop;
  }
  return { fields, rest: raw.subarray(pos) };
}

export function joinMessage(fields: HeaderField[], rest: Buffer): Buffer {
  return Buffer.concat([...fields.map((f) => f.bytes), rest]);
}

export function hasField(fields: HeaderField[], name: string): boolean {
  const lower = name.toLowerCase();
  return fields.some((f) => f.name.toLowerCase() === lower);
}

export function fieldValues(fields: HeaderField[], name: string): string[] {
  const lower = name.toLowerCase();
  return fields.filter((f) => f.name.toLowerCase() === lower).map((f) => f.value);
}

export function withoutFields(fields: HeaderField[], name: string): HeaderField[] {
  const lower = name.toLowerCase();
  return fields.filter((f) => f.name.toLowerCase() !== lower);
}
