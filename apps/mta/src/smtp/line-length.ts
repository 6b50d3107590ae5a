import { longestLine, MAX_LINE, reencodeParts } from "../mime/reencode-parts.ts";

export type LineFit = { ok: true; raw: Buffer } | { ok: false; code: number; text: string };

/**
 * RFC 5322 and 5321 forbid lines over 998 octets, and relays refuse them (a refusal that once
 * counted as the site's bounce). PHP forms often write a whole HTML page on one line, so rather
 * than refuse such mail at ingest, the parts holding a long line are encoded anew (quoted-printable,
 * lines of 76; base64 re-wrapped), their Content-Transfer-Encoding updated and every boundary
 * kept. What cannot be re-encoded (a line in a part's own header, or in a multipart preamble) is
 * refused with a 5xx that says so. The top header block is checked before this (checkMessage).
 * Runs after checkMessage, on CRLF line ends; a message with no long line is returned as it is.
 */
export async function fitLineLength(raw: Buffer): Promise<LineFit> {
  if (longestLine(raw) <= MAX_LINE) return { ok: true, raw };
  let fitted: Buffer;
  try {
    fitted = (await reencodeParts(raw, (_node, body) => longestLine(body) > MAX_LINE)).raw;
  } catch {
    return refuse("its MIME structure cannot be read");
  }
  if (longestLine(fitted) > MAX_LINE)
    return refuse("it is not inside a part that can be re-encoded");
  return { ok: true, raw: fitted };
}

function refuse(why: string): LineFit {
  return {
    ok: false,
    code: 554,
    text: `5.6.0 Message refused: a line is longer than ${MAX_LINE} characters and ${why}; wrap long lines or send the part as quoted-printable or base64`,
  };
}
