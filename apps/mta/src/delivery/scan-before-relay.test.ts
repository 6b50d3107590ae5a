import net from "node:net";
import { type DeliveryJob, recordingLogger } from "@scripts-email/domain";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMtaMetrics } from "../metrics.ts";
import { createScanBeforeRelay } from "./scan-before-relay.ts";
import { createSpamScanner } from "./spam-scanner.ts";

// A scanner that accepts connections and never answers (hung, or a black-holed address): the
// worker waits for it once, then lets mail go unscanned without asking it until its pause ends.

let server: net.Server;
let url: string;
let connections = 0;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const job = (n: number): DeliveryJob => ({
  id: `0193a6f0-0000-7000-8000-00000000000${n}`,
  hostingId: "0193a6f0-0000-7000-8000-0000000000aa",
  serviceName: "shop.example",
  envelopeFrom: "orders@shop.example",
  recipients: ["client@dest.example"],
  raw: Buffer.from(`Subject: order ${n}\r\n\r\nThanks.\r\n`),
  deliveredBefore: 0,
  attempts: 1,
  acceptedAt: new Date(),
  lease: new Date(),
  needsScan: true,
  flaggedSpam: false,
});

it("waits for a hung scanner once, then relays unscanned without asking it during the pause", async () => {
  const registry = new Registry();
  const log = recordingLogger();
  const scan = createScanBeforeRelay({
    scanner: createSpamScanner({ url, timeoutMs: 200 }),
    metrics: createMtaMetrics(registry),
    log,
    warningEveryMs: 60_000,
    pauseMs: 60_000,
  });
  for (let n = 1; n <= 3; n++) expect(await scan(job(n))).toBeUndefined();

  expect(connections).toBe(1);
  const metric = await registry.getSingleMetric("scripts_email_spam_scans_total")!.get();
  expect(metric.values.find((v) => v.labels.result === "unscanned")?.value).toBe(3);
  // the scan time is of the one scan asked, not of the messages let through without asking
  const text = await registry.getSingleMetricAsString("scripts_email_spam_scan_seconds");
  expect(text).toMatch(/^scripts_email_spam_scan_seconds_count 1$/m);
  const warnings = log.records.filter((r) => r.level === "warn");
  expect(warnings).toEqual([
    expect.objectContaining({ count: 1, reason: "no answer within 200 ms" }),
  ]);
});

it("asks the scanner every time without a pause", async () => {
  const before = connections;
  const scan = createScanBeforeRelay({
    scanner: createSpamScanner({ url, timeoutMs: 100 }),
    log: recordingLogger(),
    warningEveryMs: 60_000,
    pauseMs: 0,
  });
  for (let n = 1; n <= 2; n++) expect(await scan(job(n))).toBeUndefined();
  await expect.poll(() => connections - before).toBe(2);
});
