import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditRepository } from "../audit/audit-repository.ts";
import { createAuditService } from "../audit/audit-service.ts";
import { HostingRepository } from "../hosting/hosting-repository.ts";
import { MessageRepository } from "../message/message-repository.ts";
import { SEARCH_SCAN_ROWS } from "../message/message-search.ts";
import { createWorld, disposeWorld, errorCode, type World } from "../shared/test-fixtures.ts";
import { UserRepository } from "../user/user-repository.ts";
import { ExportRepository } from "./export-repository.ts";
import { createExportService, type ExportBatches } from "./export-service.ts";

let w: World;

/** An export service over the world's database with small batches and a small cap. */
function exportsWith(options: { maxRows: number; batchRows: number }) {
  const hostings = new HostingRepository(w.db);
  return createExportService({
    hostings,
    messages: new MessageRepository(w.db),
    exports: new ExportRepository(w.db),
    audit: createAuditService({
      audit: new AuditRepository(w.db),
      users: new UserRepository(w.db),
      hostings,
      clock: w.clock,
    }),
    ...options,
  });
}

async function collect<T>(batches: ExportBatches<T>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const batch of batches) all.push(batch);
  return all;
}

beforeAll(async () => {
  w = await createWorld();
  // a needle older than a whole search scan of other mail
  await w.db.sql.query(
    `INSERT INTO "Message" (id, "hostingId", "envelopeFrom", recipients, subject, size, status,
                           "expiresAt", "acceptedAt", source)
     SELECT gen_random_uuid(), $1::uuid, 'www@example.org',
            ARRAY[CASE WHEN i > $2::int THEN 'needle@example.com' ELSE 'hay@example.com' END],
            'm' || i, 10, 'sent', now(), timestamptz '2026-03-10T00:00:00Z' - i * interval '1 ms',
            'sendmail'
       FROM generate_series(1, $2::int + 3) i`,
    [w.hosting.id, SEARCH_SCAN_ROWS + 500],
  );
});
afterAll(async () => {
  await disposeWorld(w);
});

describe("exports", () => {
  it("reads a batch at a time, newest first, and stops at the cap", async () => {
    const exports = exportsWith({ maxRows: 250, batchRows: 100 });
    const batches = await collect(await exports.messages(w.customer, "example.org", {}));
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(
      batches
        .flat()
        .map((m) => m.subject)
        .slice(0, 3),
    ).toEqual(["m1", "m2", "m3"]);
  });

  it("goes on past a bounded search's edge until the matches are found", async () => {
    const exports = exportsWith({ maxRows: 1000, batchRows: 100 });
    const batches = await collect(
      await exports.messages(w.customer, "example.org", { recipient: "needle@example.com" }),
    );
    expect(batches.flat().map((m) => m.subject)).toEqual([
      `m${SEARCH_SCAN_ROWS + 501}`,
      `m${SEARCH_SCAN_ROWS + 502}`,
      `m${SEARCH_SCAN_ROWS + 503}`,
    ]);
  });

  it("checks access before reading; refused mail exports nothing", async () => {
    const exports = exportsWith({ maxRows: 10, batchRows: 10 });
    expect(await errorCode(exports.messages(w.other, "example.org", {}))).toBe("not_found");
    expect(await errorCode(exports.errors(w.other, "example.org"))).toBe("not_found");
    const refused = await exports.messages(w.customer, "example.org", { outcome: "refused" });
    expect(await collect(refused)).toEqual([]);
  });
});
