/**
 * CPU per relayed message: relays N ~1 KB messages through `createSmtpRelay` to Postfix's
 * `smtp-sink` (a separate process, so only the client's CPU is counted) and reads
 * process.cpuUsage() around the run.
 *
 *   pnpm exec tsx packages/harness/scripts/measure-relay-cpu.ts [messages=5000] [inFlight=10]
 *
 * `SINK_FLAGS` passes extra flags to smtp-sink (e.g. `-P` hides PIPELINING).
 */
import { spawn } from "node:child_process";
import type { DeliveryJob } from "@scripts-email/domain";
import { createSmtpRelay } from "@scripts-email/mta";
import { freePort, waitForPort } from "../src/ports.ts";

const total = Number(process.argv[2] ?? 5000);
const inFlight = Number(process.argv[3] ?? 10);

const port = await freePort();
const flags = (process.env.SINK_FLAGS ?? "").split(" ").filter(Boolean);
const sink = spawn("smtp-sink", [...flags, "-u", "postfix", "-c", `127.0.0.1:${port}`, "1000"], {
  stdio: ["ignore", "ignore", "inherit"],
});
await waitForPort(port, 5_000);

const body = `${"x".repeat(76)}\r\n`.repeat(10);
const raw = (i: number) =>
  Buffer.from(
    `From: site@example.test\r\nTo: r${i}@dest.test\r\nSubject: message ${i}\r\n` +
      `Message-ID: <${i}@example.test>\r\n\r\n${body}`,
  );
const job = (i: number): DeliveryJob =>
  ({
    id: String(i),
    hostingId: null,
    serviceName: "_bench",
    envelopeFrom: "site@example.test",
    recipients: [`r${i}@dest.test`],
    raw: raw(i),
    deliveredBefore: 0,
    attempts: 0,
  }) as DeliveryJob;

const relay = createSmtpRelay({ url: `smtp://127.0.0.1:${port}`, timeoutSeconds: 30 });
// warm up: connections opened, code paths compiled
for (let i = 0; i < 200; i++) await relay.deliver(job(i));

let next = 0;
let delivered = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (next < total) {
      const results = await relay.deliver(job(next++));
      if (results.every((r) => r.outcome === "delivered")) delivered++;
    }
  }),
);
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - t0;
await relay.close();
sink.kill();

const ms = (cpu.user + cpu.system) / 1000;
console.log(
  `${delivered}/${total} delivered, ${inFlight} in flight: CPU ${ms.toFixed(0)} ms ` +
    `(user ${(cpu.user / 1000).toFixed(0)}, system ${(cpu.system / 1000).toFixed(0)}) = ` +
    `${((ms * 1000) / total).toFixed(1)} µs/message; wall ${wall.toFixed(0)} ms`,
);
