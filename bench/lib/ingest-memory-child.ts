// The SMTP ingest alone in a process of its own, for bench/lib/session-memory.ts: started with
// --expose-gc, it answers "measure" with its heap and external memory after two full collections,
// so a few hundred sessions show to the byte rather than by RSS pages. Its database is a fresh
// test database, dropped on "stop".
import { createIngestFixture } from "@scripts-email/harness/smtp-fixtures";

const hostings = Number(process.env.MEMORY_HOSTINGS ?? "1");
const fx = await createIngestFixture();
const logins: { user: string; pass: string }[] = [];
for (let i = 0; i < hostings; i++) {
  const site = await fx.addHosting(`idle-${i}.memory.example`);
  logins.push({ user: site.serviceName, pass: site.password });
}
const { port } = await fx.startServer({ limits: { maxConnections: 2_000 } });
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

process.on("message", (message) => {
  if (message === "measure") {
    gc();
    gc();
    const { heapUsed, external } = process.memoryUsage();
    process.send?.({ bytes: heapUsed + external });
  } else if (message === "stop") {
    void fx.close().finally(() => process.exit(0));
  }
});
process.send?.({ port, logins });
