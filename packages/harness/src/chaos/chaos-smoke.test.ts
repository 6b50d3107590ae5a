import { rm } from "node:fs/promises";
import { afterAll, beforeAll, expect, it, onTestFailed } from "vitest";
import { type PrivatePostgres, startPrivatePostgres } from "../private-postgres.ts";
import { runScenario } from "./lib/harness.ts";
import { LOG_DIR } from "./lib/product-process.ts";
import { formatTable } from "./lib/table.ts";
import { mtaKilledDuringIngestion } from "./scenarios/mta-killed-during-ingestion.ts";
import { oversizeAndMalformed } from "./scenarios/oversize-and-malformed.ts";

// The chaos run's own code, small: `pnpm test:chaos` is too long for CI, but this keeps its
// scenarios, the real-process harness and the table from rotting.

let postgres: PrivatePostgres | undefined;
/** The product processes' logs are kept for a failed test only. */
let keepLogs = false;

beforeAll(async () => {
  postgres = await startPrivatePostgres();
}, 60_000);

afterAll(async () => {
  await postgres?.destroy();
  if (keepLogs) console.log(`product logs: ${LOG_DIR}`);
  else await rm(LOG_DIR, { recursive: true, force: true });
}, 30_000);

it("refuses oversize and malformed mail with 5xx, storing none of it, while normal mail goes through", async () => {
  onTestFailed(() => {
    keepLogs = true;
  });
  const outcome = await runScenario(
    oversizeAndMalformed({ normal: 60, perKind: 2, timeoutMs: 40_000 }),
    postgres!,
  );
  console.log(formatTable([outcome]));
  expect(outcome.result.failures).toEqual([]);
  expect(outcome.result.lost).toBe(0);
  expect(outcome.result.acknowledged).toBe(60 + 8);
  expect(outcome.result.delivered).toBe(60 + 8);
}, 45_000);

it("loses nothing acknowledged when the product is SIGKILLed during ingestion (300 messages)", async () => {
  onTestFailed(() => {
    keepLogs = true;
  });
  const outcome = await runScenario(
    mtaKilledDuringIngestion({ messages: 300, clients: 5, killAfter: 100, timeoutMs: 40_000 }),
    postgres!,
  );
  console.log(formatTable([outcome]));
  expect(outcome.result.failures).toEqual([]);
  expect(outcome.result.lost).toBe(0);
  expect(outcome.result.acknowledged).toBeGreaterThanOrEqual(100);
  expect(outcome.result.delivered).toBeGreaterThanOrEqual(outcome.result.acknowledged);
}, 45_000);
