// The migration runner wraps each file in one transaction of its own. A file that ends or opens a
// transaction itself (COMMIT half-way, then a failing statement) would leave half of it applied
// and unrecorded, so such a file is refused before anything runs. SAVEPOINT, RELEASE and
// ROLLBACK TO stay inside the runner's transaction and are allowed.

/** Statements that open, end or hand over a transaction, by their leading words. */
const FORBIDDEN = [
  ["BEGIN"],
  ["START", "TRANSACTION"],
  ["COMMIT"],
  ["END"],
  ["ROLLBACK"],
  ["ABORT"],
  ["PREPARE", "TRANSACTION"],
];

/**
 * The transaction-control statements of a SQL script (their leading words, upper-cased), outside
 * comments, strings, quoted identifiers and dollar-quoted bodies (so a PL/pgSQL `BEGIN … END`
 * is not one), and outside SQL-standard function bodies (`BEGIN ATOMIC … END`).
 */
export function transactionControlStatements(sql: string): string[] {
  const found: string[] = [];
  for (const words of statements(sql)) {
    if (words[0] === "ROLLBACK" && words[1] === "TO") continue;
    const match = FORBIDDEN.find((lead) => lead.every((word, i) => words[i] === word));
    if (match) found.push(words.slice(0, Math.max(match.length, 1)).join(" "));
  }
  return found;
}

/** Splits a script into statements, each as its words (upper-cased) outside quotes. */
function statements(sql: string): string[][] {
  const result: string[][] = [];
  let words: string[] = [];
  // depth of `BEGIN ATOMIC` bodies (and CASE … END inside them), whose `;` do not end a statement
  let atomic = 0;
  let i = 0;
  const n = sql.length;
  const end = () => {
    if (words.length > 0) result.push(words);
    words = [];
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const eol = sql.indexOf("\n", i);
      i = eol < 0 ? n : eol + 1;
    } else if (c === "/" && next === "*") {
      // block comments nest in PostgreSQL
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const pair = sql.slice(i, i + 2);
        if (pair === "/*" || pair === "*/") {
          depth += pair === "/*" ? 1 : -1;
          i += 2;
        } else i++;
      }
    } else if (c === "'") {
      // E'…' strings escape with a backslash; every string doubles its quote
      const escapes =
        /[eE]$/.test(sql.slice(Math.max(0, i - 1), i)) && !/\w/.test(sql[i - 2] ?? "");
      i++;
      while (i < n) {
        if (escapes && sql[i] === "\\") i += 2;
        else if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
        else if (sql[i] === "'") break;
        else i++;
      }
      i++;
      words.push("'");
    } else if (c === '"') {
      const close = sql.indexOf('"', i + 1);
      i = close < 0 ? n : close + 1;
      while (sql[i] === '"') i = sql.indexOf('"', i + 1) + 1 || n;
      words.push('"');
    } else if (c === "$" && /[A-Za-z_$]/.test(next ?? "") && !/[\w$]/.test(sql[i - 1] ?? "")) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (!tag) {
        i++;
        continue;
      }
      const close = sql.indexOf(tag[0], i + tag[0].length);
      i = close < 0 ? n : close + tag[0].length;
      words.push("$");
    } else if (c === ";") {
      i++;
      if (atomic === 0) end();
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 64))![0];
      i += word.length;
      const upper = word.toUpperCase();
      if (upper === "ATOMIC" && words.at(-1) === "BEGIN" && words.length > 1) atomic++;
      else if (atomic > 0 && upper === "CASE") atomic++;
      else if (atomic > 0 && upper === "END") atomic--;
      words.push(upper);
    } else {
      if (!/\s/.test(c)) words.push(c);
      i++;
    }
  }
  end();
  return result;
}
