import type { HeldGroupList, HeldGroupsQuery } from "@scripts-email/contracts";
import { type HostingRow, visibleHostingWithRows } from "../hosting/hosting-repository.ts";
import { BaseRepository } from "../shared/base-repository.ts";

export type HeldGroupBy = HeldGroupsQuery["by"];
export type HeldGroupRow = HeldGroupList["items"][number];

/** The most groups one answer lists. */
export const MAX_HELD_GROUPS = 100;

/**
 * Each held message's key or keys: its script, its subject, or the distinct domains of its
 * recipients (the part after the last `@`, lower-cased), so that a message to two domains counts
 * once in each and a message to two people at one domain counts once.
 */
const KEYS: Record<HeldGroupBy, string> = {
  script: `SELECT m.script AS key, m.spam FROM "Message" m
            WHERE m."hostingId" = h.id AND m.status = 'held'::"MessageStatus"`,
  subject: `SELECT m.subject AS key, m.spam FROM "Message" m
             WHERE m."hostingId" = h.id AND m.status = 'held'::"MessageStatus"`,
  domain: `SELECT d.key, m.spam FROM "Message" m
           CROSS JOIN LATERAL (
             SELECT DISTINCT COALESCE(lower(substring(r FROM '@([^@]*)$')), '') AS key
               FROM unnest(m.recipients) r) d
            WHERE m."hostingId" = h.id AND m.status = 'held'::"MessageStatus"`,
};

export class HeldGroupsRepository extends BaseRepository {
  /**
   * The held-groups call in one statement: the hosting (see `visibleHostingWithRows`) and its
   * held mail (spam included) counted by `by`, largest groups first (then by key), at most
   * `MAX_HELD_GROUPS`. Reads the (hostingId, status, …) index.
   */
  groupsOf(
    serviceName: string,
    ownerId: string | null,
    by: HeldGroupBy,
  ): Promise<{ hosting: HostingRow; rows: HeldGroupRow[] } | null> {
    return visibleHostingWithRows<HeldGroupRow>(
      this.sql,
      serviceName,
      ownerId,
      `SELECT json_agg(json_build_object('key', g.key, 'count', g.count, 'spam', g.spam)
                       ORDER BY g.count DESC, g.key)
         FROM (SELECT k.key, count(*)::int AS count, (count(*) FILTER (WHERE k.spam))::int AS spam
                 FROM (${KEYS[by]}) k
                GROUP BY k.key
                ORDER BY count(*) DESC, k.key
                LIMIT $3::int) g`,
      [MAX_HELD_GROUPS],
    );
  }
}
