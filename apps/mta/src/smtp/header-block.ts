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

/** Header blocks bigger than this are not scanned further (the rest counts as body). */
const MAX_HEADER_BYTES = 256 * 1024;

/** Splits a raw message into its header fields and the rest, byte for byte. */
export function splitMessage(raw: Buffer): SplitMessage {
  const fields: HeaderField[] = [];
  const limit = Math.min(raw.length, MAX_HEADER_BYTES);
  let pos = 0;
  while (pos < limit) {
    const nl = raw.indexOf(0x0a, pos);
    const stop = nl === -1 || nl >= limit ? limit : nl + 1;
    const line = raw.subarray(pos, stop);
    const text = line.toString("utf8").replace(/\r?\n$/, "");
    if (text === "" || text === "\r") break;
    const last = fields[fields.length - 1];
    if ((line[0] === 0x20 || line[0] === 0x09) && last) {
      last.value = last.value === "" ? text.trim() : `${last.value} ${text.trim()}`;
      last.bytes = Buffer.concat([last.bytes, line]);
    } else {
      const colon = text.indexOf(":");
      // A line that is no header ends the block (a body without the empty separator line).
      if (colon <= 0 || /\s/.test(text.slice(0, colon))) break;
      fields.push({ name: text.slice(0, colon), value: text.slice(colon + 1).trim(), bytes: line });
    }
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
