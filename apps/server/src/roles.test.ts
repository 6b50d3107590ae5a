import { expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { ROLES, splitRoles } from "./roles.ts";
import { startServer } from "./server.ts";
import { captureLog } from "./testing/capture-log.ts";

it("knows every role name, and which ones a role table leaves out", () => {
  expect(Object.keys(ROLES).sort()).toEqual(["api", "scheduler", "smtp", "worker"]);
  const { available, missing } = splitRoles(["api", "smtp", "scheduler"], {
    api: ROLES.api,
    smtp: null,
    worker: null,
    scheduler: ROLES.scheduler,
  });
  expect(available.map(([name]) => name)).toEqual(["api", "scheduler"]);
  expect(missing).toEqual(["smtp"]);
});

it("refuses to start when none of the requested roles can run, and says so", async () => {
  const { log, records } = captureLog();
  const config = loadConfig({ ROLES: "smtp" });
  await expect(
    startServer({
      config,
      log,
      roles: { api: null, smtp: null, worker: null, scheduler: null },
    }),
  ).rejects.toThrow(/None of the requested roles \(smtp\) can run: the role table leaves/);
  const warnings = records.filter((r) => r.level === "warn").map((r) => r.msg);
  expect(warnings).toEqual(['role "smtp" is left out of this process\'s role table: not started']);
});
