import { expect, it } from "vitest";
import { interpretAudit } from "./dependency-audit.ts";

it("passes a clean report", () => {
  const clean = JSON.stringify({
    advisories: {},
    metadata: { vulnerabilities: { critical: 0, high: 2 } },
  });
  expect(interpretAudit(0, clean, "")).toEqual({ kind: "clean" });
});

it("fails on critical vulnerabilities and names them", () => {
  const report = JSON.stringify({
    advisories: {
      "1": { module_name: "left-pad", title: "Prototype pollution", severity: "critical" },
      "2": { module_name: "other", title: "ReDoS", severity: "high" },
    },
    metadata: { vulnerabilities: { critical: 1, high: 1 } },
  });
  expect(interpretAudit(1, report, "")).toEqual({
    kind: "vulnerable",
    critical: 1,
    advisories: ["left-pad: Prototype pollution"],
  });
});

it.each([
  ["a refused audit endpoint", "ERR_PNPM_AUDIT_BAD_RESPONSE responded with 405"],
  ["no DNS", "getaddrinfo ENOTFOUND registry.example"],
  ["a timeout", "connect ETIMEDOUT 10.0.0.1:443"],
])("skips, saying so, on %s", (_name, stderr) => {
  expect(interpretAudit(1, "", stderr)).toMatchObject({ kind: "skipped" });
});
