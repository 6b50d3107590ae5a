import { Registry } from "prom-client";
import { expect, it } from "vitest";
import { createMtaMetrics } from "./metrics.ts";

it("counts recipients not delivered by outcome and whose fault, every pair shown from the start", async () => {
  const registry = new Registry();
  const metrics = createMtaMetrics(registry);
  const failures = async () =>
    (await registry.getSingleMetricAsString("scripts_email_delivery_failures_total"))
      .split("\n")
      .filter((l) => !l.startsWith("#"));
  expect(await failures()).toContain(
    'scripts_email_delivery_failures_total{outcome="deferred",kind="relay"} 0',
  );
  expect(await failures()).toHaveLength(8);
  const all = await registry.metrics();
  expect(all).toContain('scripts_email_messages_accepted_total{status="held"} 0');
  expect(all).toContain('scripts_email_recipients_total{outcome="failed"} 0');

  metrics.observeDelivery(
    [
      { recipient: "a@dest.test", outcome: "delivered", code: 250, text: "ok" },
      {
        recipient: "b@dest.test",
        outcome: "failed",
        code: 550,
        text: "5.1.1 no",
        kind: "recipient",
      },
      { recipient: "c@dest.test", outcome: "deferred", code: 421, text: "busy", kind: "relay" },
      { recipient: "d@dest.test", outcome: "deferred", code: 451, text: "later" },
    ],
    new Date(),
    0.01,
  );
  const lines = await failures();
  expect(lines).toContain(
    'scripts_email_delivery_failures_total{outcome="failed",kind="recipient"} 1',
  );
  expect(lines).toContain(
    'scripts_email_delivery_failures_total{outcome="deferred",kind="relay"} 1',
  );
  expect(lines).toContain(
    'scripts_email_delivery_failures_total{outcome="deferred",kind="unknown"} 1',
  );
  expect(lines).toContain('scripts_email_delivery_failures_total{outcome="failed",kind="relay"} 0');
});
