import type { MessageOutcome, MessageSearch, MessageStatus } from "@scripts-email/contracts";

/**
 * A message search resolved into what the SQL needs. Each filter is served by an index, or
 * checked on the rows an index reads, never by a sequential scan:
 *
 * | filter                  | how                                                                   |
 * | ----------------------- | --------------------------------------------------------------------- |
 * | none, `from`/`to`       | `Message_hostingId_acceptedAt_id_idx` (hostingId, acceptedAt, id)       |
 * | `status`, `outcome`     | `Message_hostingId_status_acceptedAt_id_idx`, one range per status,     |
 * |                         | merged newest first                                                   |
 * | `script`                | `Message_hostingId_script_acceptedAt_idx` (hostingId, script, acceptedAt) |
 * | `q`, `recipient`, a     | checked on the rows the index above reads, newest first, at most      |
 * | deferred/in-progress    | `SEARCH_SCAN_ROWS` of them per page: the page then says how far back  |
 * | outcome, status+script  | it looked (`searchedUntil`) and its cursor goes on from there         |
 *
 * `from`/`to` bound `acceptedAt` in whichever index is read. Addresses and Message-IDs are
 * matched exactly and subjects by substring, without an index of their own (no trigram index:
 * the embedded database has no pg_trgm), which the scan bound keeps cheap at any table size.
 */
export interface MessageFilter {
  /** Null: any status. Empty: nothing can match. */
  statuses: MessageStatus[] | null;
  /** For queued rows: true, tried at least once (deferred); false, never tried (in progress). */
  attempted: boolean | null;
  script: string | null;
  /** Lower-case. */
  recipient: string | null;
  q: string | null;
  from: Date | null;
  to: Date | null;
}

/** Every message: no filter. */
export const ANY_MESSAGE: MessageFilter = {
  statuses: null,
  attempted: null,
  script: null,
  recipient: null,
  q: null,
  from: null,
  to: null,
};

/** The most rows a search reads per page (or export batch) to check its non-indexed filters. */
export const SEARCH_SCAN_ROWS = 20_000;

const OUTCOME_STATUSES: Record<Exclude<MessageOutcome, "refused">, MessageStatus[]> = {
  delivered: ["sent"],
  failed: ["failed", "expired"],
  deferred: ["queued"],
  in_progress: ["queued", "sending"],
  held: ["held"],
};

const blank = (s: string | undefined) => (s?.trim() ? s.trim() : null);

/** The filter of a search; null when it can match nothing (`refused`: never a message). */
export function messageFilterOf(search: MessageSearch): MessageFilter | null {
  if (search.outcome === "refused") return null;
  let statuses: MessageStatus[] | null = search.status ? [search.status] : null;
  if (search.outcome) {
    const allowed = OUTCOME_STATUSES[search.outcome];
    statuses = statuses ? statuses.filter((s) => allowed.includes(s)) : allowed;
  }
  if (statuses?.length === 0) return null;
  return {
    statuses,
    attempted:
      search.outcome === "deferred" ? true : search.outcome === "in_progress" ? false : null,
    script: blank(search.script),
    recipient: blank(search.recipient)?.toLowerCase() ?? null,
    q: blank(search.q),
    from: search.from ? new Date(search.from) : null,
    to: search.to ? new Date(search.to) : null,
  };
}

/** The columns a list row, a search and an export read (never the content). */
const COLUMNS = `m.id, m."acceptedAt", m."envelopeFrom", m.recipients, m.subject, m.size, m.status,
  m.attempts, m."expiresAt", m."nextAttemptAt", m."sentAt", m.script, m.spam, m."messageIdHeader"`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The search as SQL. `stream` reads the hosting's rows newest first on (acceptedAt, id) through
 * one index (one range per status, merged), bounded to `bound` rows; `matches` keeps those that
 * pass the filters no index answers, at most `take`. `hosting` is the SQL naming the hosting's
 * id (`h.id` inside `visibleHostingWithRows`); parameters are numbered from `firstParam`:
 * `matches` uses all of `params`, `stream` the first ones, `streamParams`.
 */
export function messageSearchSql(
  filter: MessageFilter,
  options: {
    hosting: string;
    firstParam: number;
    after?: { acceptedAt: Date; id: string } | undefined;
    take: number;
  },
): {
  stream: string;
  streamParams: unknown[];
  matches: string;
  params: unknown[];
  bounded: boolean;
} {
  const params: unknown[] = [];
  const param = (value: unknown, cast: string) => {
    params.push(value);
    return `$${options.firstParam + params.length - 1}::${cast}`;
  };
  const byScript = filter.script !== null;
  // the filters no index answers: checked on the rows read, at most SEARCH_SCAN_ROWS of them
  const bounded =
    (byScript && filter.statuses !== null) ||
    filter.attempted !== null ||
    filter.recipient !== null ||
    filter.q !== null;
  // limits are integers of this code, written in the SQL so that the planner sees them
  const limit = String(bounded ? SEARCH_SCAN_ROWS : Math.trunc(options.take));

  const common = [`m."hostingId" = ${options.hosting}`];
  if (byScript) common.push(`m.script = ${param(filter.script, "text")}`);
  if (filter.from)
    common.push(`m."acceptedAt" >= ${param(filter.from.toISOString(), "timestamptz")}`);
  if (filter.to) common.push(`m."acceptedAt" < ${param(filter.to.toISOString(), "timestamptz")}`);
  if (options.after) {
    const at = param(options.after.acceptedAt.toISOString(), "timestamptz");
    const id = param(options.after.id, "uuid");
    // the first condition bounds the index range; the second breaks ties on id
    common.push(`m."acceptedAt" <= ${at}`, `(m."acceptedAt" < ${at} OR m.id < ${id})`);
  }
  const order = `ORDER BY m."acceptedAt" DESC, m.id DESC`;
  const branch = (extra: string[]) =>
    `SELECT ${COLUMNS} FROM "Message" m WHERE ${[...common, ...extra].join(" AND ")} ${order} LIMIT ${limit}`;
  const statuses = byScript ? null : filter.statuses;
  const stream =
    statuses && statuses.length > 1
      ? `SELECT m.* FROM (${statuses
          .map((s) => `(${branch([`m.status = ${param(s, `"MessageStatus"`)}`])})`)
          .join(" UNION ALL ")}) m ${order} LIMIT ${limit}`
      : branch(statuses ? [`m.status = ${param(statuses[0], `"MessageStatus"`)}`] : []);
  const streamParams = [...params];

  const residual: string[] = [];
  if (byScript && filter.statuses) {
    residual.push(`m.status = ANY(${param(filter.statuses, `"MessageStatus"[]`)})`);
  }
  if (filter.attempted !== null) {
    residual.push(
      filter.attempted
        ? `m.status = 'queued' AND m.attempts > 0`
        : `(m.status = 'sending' OR m.attempts = 0)`,
    );
  }
  if (filter.recipient) {
    residual.push(
      `EXISTS (SELECT 1 FROM unnest(m.recipients) r WHERE lower(r) = ${param(filter.recipient, "text")})`,
    );
  }
  if (filter.q) {
    const lower = param(filter.q.toLowerCase(), "text");
    const bare = filter.q.replace(/^<(.*)>$/, "$1");
    residual.push(`(lower(m."envelopeFrom") = ${lower}
      OR EXISTS (SELECT 1 FROM unnest(m.recipients) r WHERE lower(r) = ${lower})
      OR m."messageIdHeader" IN (${param(bare, "text")}, ${param(`<${bare}>`, "text")})
      OR m.subject ILIKE ${param(`%${escapeLike(filter.q)}%`, "text")})`);
  }
  const matches = `SELECT m.* FROM (${stream}) m
    ${bounded ? `WHERE ${residual.join(" AND ")}` : ""}
    ${order} LIMIT ${Math.trunc(options.take)}`;
  return { stream, streamParams, matches, params, bounded };
}
