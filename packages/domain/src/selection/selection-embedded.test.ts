import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SelectionAccepted } from "@scripts-email/contracts";
import { type Database, migrate, openDatabase } from "@scripts-email/db";
import { seedEmbeddedDataDir } from "@scripts-email/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SYSTEM } from "../actor.ts";
import { createServices } from "../index.ts";
import type { Services } from "../services.ts";

// The newcomer's default database (PGlite), whose driver adapter passes arrays, JSON and
// timestamps of raw queries its own way: the filter's parameters and a job's batches on it.
let root: string;
let db: Database;
let services: Services;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "se-embedded-selection-"));
  await seedEmbeddedDataDir(path.join(root, "data"));
  db = await openDatabase({ dataDir: path.join(root, "data") });
  await migrate(db);
  services = createServices({ db, startSelectionJobs: false });
  await services.users.create({
    email: "owner@example.org",
    password: "correct horse",
    role: "customer",
  });
  await services.hostings.create({ serviceName: "example.org", ownerEmail: "owner@example.org" });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await rm(root, { recursive: true, force: true });
});

it("counts, deletes and releases by filter on the embedded database", async () => {
  await services.email.request(SYSTEM, "example.org", "block", "test");
  const kept = await services.email.sendTest(SYSTEM, "example.org", "Reader@Dest.test");
  const spam = await services.email.sendTest(SYSTEM, "example.org", "victim@spam.test");
  expect([kept.status, spam.status]).toEqual(["held", "held"]);

  const count = (filter: object) =>
    services.selection.select(SYSTEM, "example.org", { action: "count", filter });
  expect(await count({ status: ["held", "queued"], recipient: "@DEST.test" })).toEqual({
    matched: 1,
  });
  expect(await count({ ids: [kept.id, spam.id], from: "2000-01-01T00:00:00Z" })).toEqual({
    matched: 2,
  });

  const deleted = await services.selection.select(SYSTEM, "example.org", {
    action: "delete",
    filter: { recipient: "victim@spam.test" },
    reason: "test",
  });
  const released = await services.selection.select(SYSTEM, "example.org", {
    action: "release",
    filter: { ids: [kept.id] },
    reason: "test",
  });
  expect(await services.selection.runJobs()).toBe(2);
  for (const answer of [deleted, released]) {
    const { jobId } = answer as SelectionAccepted;
    const job = await services.selection.job(SYSTEM, "example.org", jobId);
    expect(job).toMatchObject({ state: "finished", matched: 1, done: 1 });
  }
  const page = await services.messages.list(SYSTEM, "example.org", { status: "purged", limit: 50 });
  expect(page.items.map((m) => m.id)).toEqual([spam.id]);
  const status = await services.email.status(SYSTEM, "example.org");
  expect(status).toMatchObject({ held: 0, queued: 1 });
  const jobs = await services.selection.jobs(SYSTEM, "example.org");
  expect(jobs.items.map((j) => j.action)).toEqual(["release", "delete"]);
}, 60_000);
