import { existsSync } from "node:fs";
import path from "node:path";
import { type Database, embeddedFolder, migrate, openDatabase } from "@scripts-email/db";
import { createServices, HOUR } from "@scripts-email/domain";
import { createMtaMetrics } from "@scripts-email/mta";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { Config } from "./config.ts";
import { createDbErrorMetrics } from "./db-error-metrics.ts";
import type { Log } from "./log.ts";
import { startMetricsListener } from "./metrics-listener.ts";
import { builtSpaDir } from "./roles/api-role.ts";
import { ROLES, type RunningRole, type StartRole, splitRoles } from "./roles.ts";
import { formatCredentials, seedDemoData } from "./seed.ts";

export interface RunningServer {
  roles: RunningRole[];
  /** Stops the roles (newest first), then closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  log: Log;
  /** Where the one-time demo credentials go (output for a person, never a log record). */
  print?: (text: string) => void;
  roles?: Record<Config["roles"][number], StartRole | null>;
}

/** Opens and migrates the database the configuration names; the CLI opens it the same way. */
export async function openMigratedDatabase(
  config: Config,
  log: Log,
  onError?: (error: unknown) => void,
): Promise<Database> {
  if (config.databaseUrl) log.info("database: PostgreSQL from DATABASE_URL");
  else {
    const creating = !existsSync(path.join(embeddedFolder(config.dataDir), "PG_VERSION"));
    log.info(
      { dataDir: config.dataDir },
      `database: embedded PostgreSQL (PGlite)${creating ? ", creating it takes a few seconds" : ""}`,
    );
  }
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    ...(onError ? { onError } : {}),
  });
  try {
    const applied = await migrate(db, undefined, {
      lockWaitMs: config.migrationLockWaitSeconds * 1000,
    });
    if (applied.length > 0) log.info({ migrations: applied }, "migrations applied");
    else log.info("migrations: up to date");
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

export function mailPathOptions(config: Config) {
  return {
    maxLifetimeMs: config.deliveryMaxHours * HOUR,
    leaseMs: config.deliveryLeaseSeconds * 1000,
    retentionMs: config.retentionDays * 24 * HOUR,
    suppressionMs: config.suppressionDays * 24 * HOUR,
    burst: { limit: config.autoBlockBurstPerMinute, windowMs: 60_000 },
    bounce: { ratio: config.autoBlockBounceRatio, minFailures: 20, windowMs: HOUR },
    spam: { limit: config.spamBlockPerHour, windowMs: HOUR },
    spamChecking: config.spamScanner !== undefined,
  };
}

export function reportOptions(config: Config) {
  return {
    time: config.reportTime,
    timeZone: config.reportTimeZone,
    catchUpDays: config.reportCatchUpDays,
    publicUrl: config.publicUrl,
    from: config.systemMailFrom,
  };
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, log } = options;
  const print = options.print ?? ((text: string) => process.stdout.write(`${text}\n`));
  const { available, missing } = splitRoles(config.roles, options.roles ?? ROLES);
  // Every role ships; only a caller's own role table (a test's) can leave one out.
  for (const name of missing) {
    log.warn(`role "${name}" is left out of this process's role table: not started`);
  }
  if (available.length === 0) {
    throw new Error(
      `None of the requested roles (${config.roles.join(", ")}) can run: the role table leaves them all out.`,
    );
  }

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const db = await openMigratedDatabase(config, log, createDbErrorMetrics(metrics));
  const running: RunningRole[] = [];
  let stopMetrics: (() => Promise<void>) | null = null;
  const stop = async () => {
    await stopMetrics?.().catch((err) => log.error({ err }, "metrics listener did not stop"));
    stopMetrics = null;
    for (const role of running.splice(0).reverse()) {
      try {
        await role.stop();
        log.info({ role: role.name }, "role stopped");
      } catch (err) {
        log.error({ err, role: role.name }, "role did not stop cleanly");
      }
    }
    await db.close();
  };

  try {
    const services = createServices({
      db,
      mail: mailPathOptions(config),
      maxMessageBytes: config.smtpMaxSizeBytes,
      reports: reportOptions(config),
      webhookAllowNetworks: config.alertWebhookAllowNetworks,
      log,
    });
    const mta = createMtaMetrics(metrics, () => services.mail.delivery.queueDepth());
    // A first start on the embedded database gets something to sign in to. PostgreSQL is
    // provisioned by whoever runs it (pnpm cli), never with demo accounts.
    if (db.kind === "embedded") {
      const credentials = await seedDemoData(services);
      if (credentials) print(formatCredentials(credentials));
    }
    for (const [name, start] of available) {
      running.push(
        await start({ config, db, services, log: log.child({ role: name }), metrics, mta }),
      );
      log.info({ role: name }, "role started");
    }
    stopMetrics = await startMetricsListener(config, metrics, log);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  // Written at any LOG_LEVEL but silent, as it was before it became a log record: supervisors,
  // scripts and the benchmarks wait for it.
  const banner = log.level === "silent" ? log : log.child({}, { level: "info" });
  if (running.some((r) => r.name === "api")) {
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    const base = `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
    const panel = builtSpaDir() ? `panel ${base}/  ` : "";
    banner.info(
      { roles: running.map((r) => r.name) },
      `Scripts-email is running: ${panel}API docs ${base}/api/docs`,
    );
  } else {
    banner.info(
      { roles: running.map((r) => r.name) },
      `Scripts-email is running roles: ${running.map((r) => r.name).join(", ")}`,
    );
  }
  return { roles: running, stop };
}
