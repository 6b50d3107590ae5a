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

/** The window's sum a counter sort orders by, over HourlyVolume rows. */
function sortKey(sort: Exclude<FleetSort, "stateChangedAt">): string {
  return sort === "bounceRatio"
    ? `COALESCE(sum("recipientsFailed")::float8 / NULLIF(sum(recipients), 0), 0)`
    : `sum(${sort})::float8`;
}

/**
 * One page of the fleet view: parameters are those of `fleetPageParams`. Sorted by a counter, the
 * window's rows of every hosting are summed for that key only and the page kept (largest first,
 * ties and hostings without mail by service name); otherwise the hostings are paged first. Either
 * way the page's rows then sum their counters through the primary key. Exported for the test and
 * the bench that read its plan.
 */
export function fleetPageSql(sort: FleetSort | undefined): string {
  const page =
    sort !== undefined && sort !== "stateChangedAt"
      ? `WITH k AS (
           SELECT "hostingId", ${sortKey(sort)} AS key FROM "HourlyVolume"
            WHERE hour >= $5::timestamptz
              -- a filtered list (a customer's, the blocked ones) sums only its hostings' rows
              AND (($1::uuid IS NULL AND $2::text IS NULL AND $3::text IS NULL AND $4::text IS NULL)
                   OR "hostingId" IN (SELECT h.id FROM "Hosting" h
                                        JOIN "User" u ON u.id = h."ownerId" WHERE ${FILTER_SQL}))
            GROUP BY "hostingId")
         SELECT h.*, COALESCE(k.key, 0) AS key
           FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId"
           LEFT JOIN k ON k."hostingId" = h.id
          WHERE ${FILTER_SQL}
          ORDER BY key DESC, h."serviceName" LIMIT $6::int OFFSET $7::int`
      : `SELECT h.*, 0 AS key FROM "Hosting" h JOIN "User" u ON u.id = h."ownerId"
          WHERE ${FILTER_SQL}
          ORDER BY ${sort ? `h."stateChangedAt" DESC, ` : ""}h."serviceName"
          LIMIT $6::int OFFSET $7::int`;
  const order =
    sort === undefined
      ? `p."serviceName"`
      : sort === "stateChangedAt"
        ? `p."stateChangedAt" DESC, p."serviceName"`
        : `p.key DESC, p."serviceName"`;
  return `WITH page AS MATERIALIZED (${page})
     SELECT p."serviceName", u.email AS "ownerEmail", p.state::text AS state,
            p."blockCause"::text AS cause, p."createdAt", p."stateChangedAt",
            sc."actorRole"::text AS "changedByRole", au.email AS "changedByEmail",
            ${COUNTER_COLUMNS.map((c) => `COALESCE(v."${c}", 0) AS "${c}"`).join(", ")}
       FROM page p
       JOIN "User" u ON u.id = p."ownerId"
       LEFT JOIN LATERAL (
         SELECT ${SUMS} FROM "HourlyVolume"
          WHERE "hostingId" = p.id AND hour >= $5::timestamptz) v ON true
       LEFT JOIN LATERAL (
         SELECT s."actorRole", s."actorId" FROM "StateChange" s
          WHERE s."hostingId" = p.id ORDER BY s.at DESC LIMIT 1) sc ON true
       LEFT JOIN "User" au ON au.id = sc."actorId"
      ORDER BY ${order}`;
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
 * hourly rollup (`HourlyVolume`), never from Message. Sorted by a counter, it sums that one key
 * over the window's rows of every hosting (the hour index; 10,000 hostings × 25 hours at most) and
 * keeps the page; otherwise it pages the hostings first. The page's counters are then summed
 * through the primary key, and its last change of state is one probe of the StateChange
 * (hostingId, at) index.
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
