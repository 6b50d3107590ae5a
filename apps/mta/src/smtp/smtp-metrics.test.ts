import { Registry } from "prom-client";
import { expect, it } from "vitest";
import { createSmtpLimitMetrics } from "./smtp-metrics.ts";

it("counts limits by reason and reads the open sessions and data in memory when scraped", async () => {
  const registry = new Registry();
  let load = { sessions: 3, dataBytesInMemory: 4096 };
  const metrics = createSmtpLimitMetrics(registry, () => load);
  metrics.limitReached("max_connections_per_account");
  metrics.limitReached("max_connections_per_account");
  metrics.limitReached("idle_timeout");
  load = { sessions: 7, dataBytesInMemory: 0 };
  const text = await registry.metrics();
  expect(text).toContain(
    'scripts_email_smtp_limited_total{reason="max_connections_per_account"} 2',
  );
  expect(text).toContain('scripts_email_smtp_limited_total{reason="idle_timeout"} 1');
  // a reason never reached is a series at 0 from the start, for the operator's alert
  expect(text).toContain('scripts_email_smtp_limited_total{reason="connection_ceiling"} 0');
  expect(text).toContain("scripts_email_smtp_sessions 7");
  expect(text).toContain("scripts_email_smtp_data_memory_bytes 0");
});
