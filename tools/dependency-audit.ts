// CI's dependency audit: fails on known critical vulnerabilities, and skips cleanly (saying so)
// where the audit service cannot be reached, as on machines that only reach the registry's
// package downloads.
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";

export type AuditVerdict =
  | { kind: "clean" }
  | { kind: "vulnerable"; critical: number; advisories: string[] }
  | { kind: "skipped"; reason: string };

const UNREACHABLE =
  /ERR_PNPM_AUDIT_BAD_RESPONSE|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|fetch failed|responded with [45]\d\d/;

/** Reads `pnpm audit --json --audit-level critical`: its exit status and what it printed. */
export function interpretAudit(
  status: number | null,
  stdout: string,
  stderr: string,
): AuditVerdict {
  const output = `${stdout}\n${stderr}`;
  const unreachable = UNREACHABLE.exec(output);
  if (unreachable) return { kind: "skipped", reason: unreachable[0] };
  let report: {
    metadata?: { vulnerabilities?: { critical?: number } };
    advisories?: Record<string, { module_name?: string; title?: string; severity?: string }>;
  };
  try {
    report = JSON.parse(stdout);
  } catch {
    if (status === 0) return { kind: "clean" };
    return {
      kind: "skipped",
      reason: `unreadable answer (exit ${status}): ${output.trim().slice(0, 200)}`,
    };
  }
  const critical = report.metadata?.vulnerabilities?.critical ?? 0;
  if (critical === 0) return { kind: "clean" };
  const advisories = Object.values(report.advisories ?? {})
    .filter((a) => a.severity === "critical")
    .map((a) => `${a.module_name}: ${a.title}`);
  return { kind: "vulnerable", critical, advisories };
}

function main(): number {
  const run = spawnSync("pnpm", ["audit", "--json", "--audit-level", "critical"], {
    encoding: "utf8",
    timeout: 120_000,
  });
  const verdict = interpretAudit(
    run.status,
    run.stdout ?? "",
    `${run.stderr ?? ""}${run.error?.message ?? ""}`,
  );
  switch (verdict.kind) {
    case "clean":
      console.log("dependency audit: no known critical vulnerability");
      return 0;
    case "skipped":
      console.log(
        `dependency audit skipped: the audit service could not be reached (${verdict.reason})`,
      );
      return 0;
    case "vulnerable":
      console.error(`dependency audit: ${verdict.critical} critical vulnerabilities`);
      for (const a of verdict.advisories) console.error(`  ${a}`);
      return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) process.exit(main());
