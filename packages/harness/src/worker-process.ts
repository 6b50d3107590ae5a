/**
 * A delivery worker on its own, as a child process that fault tests can SIGKILL: the real
 * worker and SMTP relay over the real delivery service. Settings from the environment:
 * DATABASE_URL, SMTP_RELAY_URL, BATCH_SIZE (50), CONCURRENCY (10), LEASE_MS (30 s, the product default), IDLE_MS (100).
 * Prints one JSON line per event on stdout, `{"msg":"ready"}` first; SIGTERM stops it cleanly.
 */
import { openDatabase } from "@scripts-email/db";
import { createServices, type Logger } from "@scripts-email/domain";
import { createDeliveryWorker, createSmtpRelay } from "@scripts-email/mta";

function setting(name: string, fallback?: number): string {
  const value = process.env[name] ?? (fallback === undefined ? undefined : String(fallback));
  if (value === undefined || value === "") throw new Error(`${name} is required`);
  return value;
}

const print = (entry: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ...entry })}\n`);
};
/** The worker's log as JSON lines, the way pino writes them (`level`, `msg`, the fields). */
const at =
  (level: keyof Logger) =>
  (details: object, msg: string): void =>
    print({ level, msg, ...details });
const log: Logger = { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };

const db = await openDatabase({ databaseUrl: setting("DATABASE_URL"), dataDir: "", poolSize: 4 });
const services = createServices({ db, mail: { leaseMs: Number(setting("LEASE_MS", 30_000)) } });
const relay = createSmtpRelay({ url: setting("SMTP_RELAY_URL"), timeoutSeconds: 10 });
const worker = createDeliveryWorker(services.mail.delivery, relay, {
  batchSize: Number(setting("BATCH_SIZE", 50)),
  concurrency: Number(setting("CONCURRENCY", 10)),
  idleMs: Number(setting("IDLE_MS", 100)),
  log,
});
worker.start();
print({ msg: "ready" });

process.once("SIGTERM", () => {
  void (async () => {
    await worker.stop();
    await relay.close();
    await db.close();
    print({ msg: "stopped" });
    process.exit(0);
  })();
});
