import { createTestDatabase } from "@scripts-email/db/testing";
import {
  createMailPath,
  MAX_REFUSAL_SCRIPTS,
  OTHER_SCRIPTS,
  recordingLogger,
} from "@scripts-email/domain";
import { createIngestFixture, type IngestFixture } from "@scripts-email/harness/smtp-fixtures";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RefusalRecorder } from "./refusal-recorder.ts";

let fx: IngestFixture;

beforeAll(async () => {
  fx = await createIngestFixture();
});

afterAll(async () => {
  await fx?.close();
});

const rowsOf = (hostingId: string) =>
  fx.db.sql.query<{ script: string; reason: string; count: number }>(
    `SELECT script, reason, count FROM "Refusal" WHERE "hostingId" = $1::uuid
      ORDER BY script, reason`,
    [hostingId],
  );

const metric = async (registry: Registry, name: string) => {
  const values = await registry.getSingleMetric(name)?.get();
  return values?.values.reduce((n, v) => n + v.value, 0) ?? 0;
};

it("keeps at most the cap of scripts per hosting and day between writes, the rest under (other)", async () => {
  const site = await fx.addHosting("many-scripts.example");
  const registry = new Registry();
  const recorder = new RefusalRecorder(fx.services.mail.refusals, registry);
  for (let i = 0; i < MAX_REFUSAL_SCRIPTS + 20; i++) {
    recorder.record({ hosting: { id: site.id }, script: `s${i}.php`, reason: "daily_limit" });
    recorder.record({ hosting: { id: site.id }, script: `s${i}.php`, reason: "daily_limit" });
  }
  await recorder.stop();
  const rows = await rowsOf(site.id);
  expect(rows).toHaveLength(MAX_REFUSAL_SCRIPTS + 1);
  expect(rows.find((r) => r.script === OTHER_SCRIPTS)).toEqual({
    script: OTHER_SCRIPTS,
    reason: "daily_limit",
    count: 40,
  });
  expect(rows.reduce((n, r) => n + r.count, 0)).toBe(2 * (MAX_REFUSAL_SCRIPTS + 20));
  expect(await metric(registry, "scripts_email_refusals_total")).toBe(
    2 * (MAX_REFUSAL_SCRIPTS + 20),
  );
});

it("drops and counts what is past its entries between two writes, and writes the rest once", async () => {
  const sites = await Promise.all([
    fx.addHosting("flood-a.example"),
    fx.addHosting("flood-b.example"),
  ]);
  const registry = new Registry();
  const recorder = new RefusalRecorder(fx.services.mail.refusals, registry, { maxEntries: 3 });
  for (const reason of ["size", "message", "storage", "auth"] as const) {
    for (const site of sites)
      recorder.record({ hosting: { id: site.id }, script: "x.php", reason });
  }
  // a key already kept is still counted, whatever the flood
  recorder.record({ hosting: { id: sites[0]!.id }, script: "x.php", reason: "size" });
  await recorder.flush();
  await recorder.flush(); // nothing left: writes nothing more
  expect(await rowsOf(sites[0]!.id)).toEqual([
    { script: "x.php", reason: "message", count: 1 },
    { script: "x.php", reason: "size", count: 2 },
  ]);
  expect(await rowsOf(sites[1]!.id)).toEqual([{ script: "x.php", reason: "size", count: 1 }]);
  expect(await metric(registry, "scripts_email_refusals_dropped_total")).toBe(5);
  // after a write, there is room again
  recorder.record({ hosting: { id: sites[1]!.id }, script: "x.php", reason: "auth" });
  await recorder.stop();
  expect(await rowsOf(sites[1]!.id)).toHaveLength(2);
});

it("counts a failed write as dropped, logs it and goes on", async () => {
  const db = await createTestDatabase({ poolSize: 1 });
  const { refusals } = createMailPath({ db });
  await db.dispose(); // the database is away
  const registry = new Registry();
  const log = recordingLogger();
  const recorder = new RefusalRecorder(refusals, registry, { log });
  recorder.record({ hosting: { serviceName: "any.example" }, script: "smtp", reason: "auth" });
  recorder.record({ hosting: { serviceName: "any.example" }, script: "smtp", reason: "auth" });
  await recorder.stop();
  expect(await metric(registry, "scripts_email_refusals_dropped_total")).toBe(2);
  expect(log.records.map((r) => [r.level, r.msg, r.refusals])).toEqual([
    ["error", "refusals per script not recorded", 2],
  ]);
});
