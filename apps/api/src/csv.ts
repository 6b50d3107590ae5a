/** One CSV cell's value: text, a number, or nothing. */
export type CsvCell = string | number | null;

// a cell a spreadsheet would run as a formula (=, +, -, @, and the tab and carriage return
// some of them treat the same way)
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell as RFC 4180 writes it: quoted when it holds a quote, a comma or a line break (quotes
 * doubled), and prefixed with `'` when it would start a formula in a spreadsheet (CSV
 * injection), so that an attacker's subject like `=HYPERLINK(…)` stays text.
 */
export function csvCell(value: CsvCell): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 says. */
export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * The CSV text of `header` then each row of each batch, as an async iterable of strings that
 * reads the next batch only when the previous one is consumed: one batch in memory at a time.
 */
export async function* csvChunks<T>(
  header: readonly string[],
  batches: AsyncIterable<T[]>,
  cells: (row: T) => readonly CsvCell[],
): AsyncGenerator<string> {
  yield csvLine(header);
  for await (const batch of batches) yield batch.map((row) => csvLine(cells(row))).join("");
}
