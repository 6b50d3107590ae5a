/** RFC 5322: a line is at most 998 characters, CRLF excluded. */
export const MAX_LINE = 998;
export const MAX_HEADER_FIELDS = 1000;

export type Hygiene = { ok: true; raw: Buffer } | { ok: false; code: number; text: string };

/**
 * What ingest refuses or mends before storing a message. NUL bytes and over-long or countless
 * header lines are refused whole (never half stored); bare LF and bare CR line ends become CRLF,
 * so that a message can never carry a line end another server reads differently (SMTP smuggling).
 */
export function checkMessage(raw: Buffer): Hygiene {
  if (raw.includes(0)) {
    return { ok: false, code: 554, text: "5.6.0 Message refused: it contains NUL bytes" };
  }
  const text = raw.toString("latin1").replace(/\r\n|\r|\n/g, "\r\n");
  const headerEnd = text.indexOf("\r\n\r\n");
  const header = headerEnd === -1 ? text : text.slice(0, headerEnd);
  const lines = header.split("\r\n");
  if (lines.some((line) => line.length > MAX_LINE)) {
    return {
      ok: false,
      code: 554,
      text: `5.6.0 Message refused: a header line is longer than ${MAX_LINE} characters`,
    };
  }
  const fields = lines.filter((line) => line !== "" && !/^[ \t]/.test(line)).length;
  if (fields > MAX_HEADER_FIELDS) {
    return {
      ok: false,
      code: 554,
      text: `5.6.0 Message refused: more than ${MAX_HEADER_FIELDS} header fields`,
    };
  }
  return { ok: true, raw: text.length === raw.length ? raw : Buffer.from(text, "latin1") };
}
