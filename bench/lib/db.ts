// Fresh databases on the shared PostgreSQL: created, migrated with the product's own runner,
// provisioned through the domain services, and dropped at the end (only the ones made here).
import { randomBytes } from "node:crypto";
import { type Database, migrate, openDatabase } from "@scripts-email/db";
import { createServices, type Services } from "@scripts-email/domain";
import pg from "pg";

export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgresql://postgres@127.0.0.1:5432/postgres";

const created = new Set<string>();

export function urlOf(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createDatabase(prefix: string): Promise<string> {
  const name = `${prefix}_${process.pid}_${randomBytes(3).toString("hex")}`;
  await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE "${name}"`));
  created.add(name);
  return name;
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  created.delete(name);
}

export async function dropAllCreated(): Promise<void> {
  for (const name of [...created]) await dropDatabase(name).catch(() => undefined);
}

/** Opens the database through the product's own package and applies its migrations. */
export async function openMigrated(name: string): Promise<{ db: Database; services: Services }> {
  const db = await openDatabase({ databaseUrl: urlOf(name), dataDir: "", poolSize: 4 });
  await migrate(db);
  return { db, services: createServices({ db }) };
}

export const BENCH_PASSWORD = "bench-password-1";

/** One customer and one hosting with a high daily limit and an SMTP password. */
export async function provisionSender(
  services: Services,
  serviceName = "relay.bench.example",
): Promise<{ serviceName: string; smtpPassword: string }> {
  await services.users.create({
    email: "owner@bench.example",
    password: BENCH_PASSWORD,
    role: "customer",
  });
  await services.hostings.create({
    serviceName,
    ownerEmail: "owner@bench.example",
    maxPerDay: 100_000_000,
  });
  const smtpPassword = await services.hostings.resetSmtpPassword(serviceName);
  return { serviceName, smtpPassword };
}

export async function serverVersion(): Promise<string> {
  return withClient(ADMIN_URL, async (c) => {
    const r = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return r.rows[0]?.v ?? "?";
  });
}

/** The settings that decide what a commit costs (they are the shared server's, untouched). */
export async function durabilitySettings(): Promise<string> {
  return withClient(ADMIN_URL, async (c) => {
    const names = [
      "fsync",
      "synchronous_commit",
      "wal_sync_method",
      "shared_buffers",
      "commit_delay",
    ];
    const r = await c.query<{ name: string; setting: string; unit: string | null }>(
      "SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)",
      [names],
    );
    return r.rows.map((x) => `${x.name}=${x.setting}${x.unit ?? ""}`).join(", ");
  });
}
