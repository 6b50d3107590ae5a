/**
 * The text of a relay's reply as shown beside its code, on one line: the code is shown once, from
 * its own column, never again from the text.
 *
 * The delivery worker stores each reply as the relay sent it (`550-5.1.1 …\n550 5.1.1 …`), and
 * the code in its own column; shown side by side, the code appeared twice ("550 550 5.1.1 …").
 * This removes, from each line, the reply code it starts with (and a code repeated there), the
 * enhanced status code repeated on continuation lines, and the code after the "Gave up after N
 * attempts: " of mail that ran out of time. Rows already stored are read the same way.
 */
export function replyText(code: number | null, text: string): string {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  let enhanced: string | null = null;
  const parts: string[] = [];
  for (const [i, raw] of lines.entries()) {
    let line = code === null ? raw : withoutCode(raw, code);
    const status = /^([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)/.exec(line);
    if (i === 0) enhanced = status?.[1] ?? null;
    else if (status && status[1] === enhanced) line = line.slice(status[0].length);
    if (line) parts.push(line);
  }
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

const GAVE_UP = /^(Gave up after \d+ attempts: )/;

function withoutCode(line: string, code: number): string {
  const prefix = GAVE_UP.exec(line)?.[1] ?? "";
  let rest = line.slice(prefix.length);
  const leading = new RegExp(`^${code}(?:[ -]|$)\\s*`);
  while (leading.test(rest)) rest = rest.replace(leading, "");
  return prefix + rest;
}
