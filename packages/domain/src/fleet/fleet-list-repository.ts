import type { BlockCause, FleetSort } from "@scripts-email/contracts";
import { BaseRepository } from "../shared/base-repository.ts";

export interface FleetFilter {
  /** A customer's own hostings only; undefined for support and the system. */
  ownerId?: string;
  /** Matches the service name or the owner's address (any case). */
  q?: string;
  state?: "active" | "blocked" | "purging";
  cause?: BlockCause;
}

export interface FleetListRow {
  serviceName: string;
  ownerEmail: string;
  state: "active" | "blocked" | "purging";
  cause: BlockCause | null;
  createdAt: Date;
  stateChangedAt: Date;
  changedByRole: "customer" | "support" | "system" | null;
  changedByEmail: string | null;
  accepted: number;
  sent: number;
  failed: number;
  held: number;
  spam: number;
  refused: number;
  recipients: number;
  recipientsFailed: number;
}

/** `%`, `_` and `\` are literal in a search, as Prisma's `contains` had them. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// $1 owner, $2 state, $3 cause, $4 search pattern: each condition is off when its value is null.
const FILTER_SQL = `($1::uuid IS NULL OR h."ownerId" = $1::uuid)
   AND ($2::text IS NULL OR h.state = $2::"HostingState")
   AND ($3::text IS NULL OR h."blockCause" = $3::"BlockCause")
   AND ($4::text IS NULL OR h."serviceName" ILIKE $4 OR u.email ILIKE $4)`;

const SUMS = `sum(accepted)::int AS accepted, sum(sent)::int AS sent, sum(failed)::int AS failed,
  sum(held)::int AS held, sum(spam)::int AS spam, sum(refused)::int AS refused,
  sum(recipients)::int AS recipients, sum("recipientsFailed")::int AS "recipientsFailed"`;

const COUNTER_COLUMNS = [
  "accepted",
  "sent",
  "failed",
  "held",
  "spam",
  "refused",
  "recipients",
  "recipientsFailed",
] as const;

/** Largest first; ties (and hostings without mail in the window) by service name. */
function orderBy(sort: FleetSort | undefined, h: string, v: string): string {
  if (sort === undefined) return `${h}."serviceName"`;
  const key =
    sort === "stateChangedAt"
      ? `${h}."stateChangedAt"`
      : sort === "bounceRatio"
        ? `COALESCE(${v}."recipientsFailed"::float8 / NULLIF(${v}.recipients, 0), 0)`
        : `COALESCE(${v}.${sort}, 0)`;
  return `${key} DESC, ${h}."serviceName"`;
}

/**
 * One page of the fleet view: parameters are those of `fleetPageParams`. Exported for the test
 * that reads its plan.
 */
export function fleetPageSql(sort: FleetSort | undefined): string {
  const bySum = sort !== undefined && sort !== "stateChangedAt";
  const order = orderBy(sort, "h", "v");
  const columns = COUNTER_COLUMNS.map((c) => `COALESCE(v."${c}", 0) AS "${c}"`).join(", ");
  const page = bySum
    ? `WITH v AS (
         SELECT "hostingId", ${SUMS} FROM "HourlyVolume" WHERE hour >= $5::timestamptz
          GROUP BY "hostingId")
       SELECT h.id, h."serviceName", u.email AS "ownerEmail", h.state::text AS state,
              h."blockCause"::text AS cause, h."createdAt", h."stateChangedAt", ${columns}
         FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId"
         LEFT JOIN v ON v."hostingId" = h.id
        WHERE ${FILTER_SQL}
        ORDER BY ${order} LIMIT $6::int OFFSET $7::int`
    : `SELECT h.id, h."serviceName", u.email AS "ownerEmail", h.state::text AS state,
              h."blockCause"::text AS cause, h."createdAt", h."stateChangedAt", ${columns}
         FROM (SELECT h.* FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId"
                WHERE ${FILTER_SQL}
                ORDER BY ${order} LIMIT $6::int OFFSET $7::int) h
         JOIN "User" u ON u.id = h."ownerId"
         LEFT JOIN LATERAL (
           SELECT ${SUMS} FROM "HourlyVolume"
            WHERE "hostingId" = h.id AND hour >= $5::timestamptz) v ON true`;
  return `WITH page AS MATERIALIZED (${page})
     SELECT p."serviceName", p."ownerEmail", p.state, p.cause, p."createdAt",
            p."stateChangedAt", sc."actorRole"::text AS "changedByRole",
            au.email AS "changedByEmail",
            ${COUNTER_COLUMNS.map((c) => `p."${c}"`).join(", ")}
       FROM page p
       LEFT JOIN LATERAL (
         SELECT s."actorRole", s."actorId" FROM "StateChange" s
          WHERE s."hostingId" = p.id ORDER BY s.at DESC LIMIT 1) sc ON true
       LEFT JOIN "User" au ON au.id = sc."actorId"
      ORDER BY ${orderBy(sort, "p", "p")}`;
}

export function fleetPageParams(
  filter: FleetFilter,
  since: Date,
  limit: number,
  offset: number,
): unknown[] {
  return [...filterParams(filter), since.toISOString(), limit, offset];
}

/**
 * Support's fleet view: one statement per page plus one count. The counters come from the
 * hourly rollup (`HourlyVolume`), never from Message. Sorted by a counter, it sums the window's
 * rows of every hosting through the hour index (10,000 hostings × 25 hours at most) and keeps the
 * page; otherwise it pages the hostings first and sums each page row's hours through the primary
 * key. The page's last change of state is one probe of the StateChange (hostingId, at) index.
 */
export class FleetListRepository extends BaseRepository {
  page(
    filter: FleetFilter,
    sort: FleetSort | undefined,
    since: Date,
    limit: number,
    offset: number,
  ): Promise<FleetListRow[]> {
    return this.sql.query<FleetListRow>(
      fleetPageSql(sort),
      fleetPageParams(filter, since, limit, offset),
    );
  }

  async count(filter: FleetFilter): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId"
        WHERE ${FILTER_SQL}`,
      filterParams(filter),
    );
    return row?.n ?? 0;
  }
}

function filterParams(filter: FleetFilter): unknown[] {
  return [
    filter.ownerId ?? null,
    filter.state ?? null,
    filter.cause ?? null,
    filter.q ? likePattern(filter.q) : null,
  ];
}
