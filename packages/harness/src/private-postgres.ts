import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { appendFile, chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrate, openDatabase } from "@scripts-email/db";
import { freePort } from "./ports.ts";

/**
 * A PostgreSQL cluster of its own, for fault tests that stop, crash and restart the database.
 * It never touches the shared cluster on 5432: its own folder, its own loopback port, its own
 * socket folder. fsync stays on, since what survives a crash is the point of these tests.
 */
export interface PrivatePostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/<database>`, migrated. */
  url: string;
  port: number;
  /** The cluster's folder (data, socket, log). */
  dir: string;
  /** `immediate` is a crash (recovery on the next start); `fast` a clean shutdown. */
  stop(mode?: "smart" | "fast" | "immediate"): Promise<void>;
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  running(): boolean;
  /** The server log so far (for failure messages). */
  log(): Promise<string>;
  /** Stops it (immediate) if running and removes its folder. */
  destroy(): Promise<void>;
}

export interface PrivatePostgresOptions {
  /** The database created and migrated in it; default `scripts_email`. */
  database?: string;
  /** Apply the product's migrations; default true. */
  migrate?: boolean;
}

/** Where initdb, pg_ctl and postgres live: pg_config's answer, else the newest Debian install. */
export function postgresBinDir(): string {
  const has = (dir: string) => existsSync(path.join(dir, "initdb"));
  try {
    const dir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    if (has(dir)) return dir;
  } catch {
    // no pg_config on PATH: look where Debian puts the servers
  }
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => has(path.join(root, v, "bin")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(root, versions[0], "bin");
  throw new Error(
    "PostgreSQL server binaries not found (no pg_config, nothing in /usr/lib/postgresql)",
  );
}

const isRoot = () => process.getuid?.() === 0;

/** initdb and postgres refuse to run as root: as root, run them as the postgres OS user. */
function asPostgres(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
}

function run(bin: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<string> {
  const [command, argv] = asPostgres(bin, args);
  return new Promise((resolve, reject) => {
    execFile(command, argv, { cwd, timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${path.basename(bin)} ${args.join(" ")}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function postgresUid(): Promise<{ uid: number; gid: number } | null> {
  if (!isRoot()) return null;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export async function startPrivatePostgres(
  options: PrivatePostgresOptions = {},
): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const database = options.database ?? "scripts_email";
  const dir = await mkdtemp(path.join(tmpdir(), "se-private-pg-"));
  const owner = await postgresUid();
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const pgCtl = path.join(bin, "pg_ctl");
  let up = false;
  let destroyed = false;
  // Ask the cluster, not our flag: a start or stop may have been cut off half way.
  const maybeRunning = () => existsSync(path.join(data, "postmaster.pid"));

  // If the test process ends without destroy() (a crash, a timeout), the server must not outlive it.
  const onExit = () => {
    try {
      if (maybeRunning()) {
        const [command, argv] = asPostgres(pgCtl, ["-D", data, "-m", "immediate", "-w", "stop"]);
        execFileSync(command, argv, { cwd: dir, stdio: "ignore", timeout: 10_000 });
      }
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);

  const start = async () => {
    if (destroyed) throw new Error("this private PostgreSQL was destroyed");
    await run(pgCtl, ["-D", data, "-l", logFile, "-w", "-t", "30", "start"], dir);
    up = true;
  };
  const stop = async (mode: "smart" | "fast" | "immediate" = "fast") => {
    await run(pgCtl, ["-D", data, "-m", mode, "-w", "-t", "30", "stop"], dir);
    up = false;
  };

  const instance: PrivatePostgres = {
    url: "",
    port: 0,
    dir,
    stop,
    start,
    running: () => up,
    log: () => readFile(logFile, "utf8").catch(() => ""),
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (maybeRunning()) await stop("immediate").catch(() => undefined);
      process.off("exit", onExit);
      await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    // --no-sync only skips initdb's own flush of the fresh files; the server runs with fsync on.
    await run(
      path.join(bin, "initdb"),
      ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"],
      dir,
    );
    let lastError: unknown;
    // The free port may be taken between the probe and the start: try a few.
    for (let i = 0; i < 5 && !up; i++) {
      const port = await freePort();
      await appendFile(
        path.join(data, "postgresql.conf"),
        [
          "",
          "# private cluster for fault tests",
          "listen_addresses = '127.0.0.1'",
          `port = ${port}`,
          `unix_socket_directories = '${dir}'`,
          "shared_buffers = 16MB",
          "max_connections = 50",
          "fsync = on",
          "synchronous_commit = on",
          "full_page_writes = on",
          "",
        ].join("\n"),
      );
      try {
        await start();
        instance.port = port;
      } catch (error) {
        lastError = error;
      }
    }
    if (!up) throw lastError;
    const admin = `postgresql://postgres@127.0.0.1:${instance.port}`;
    const root = await openDatabase({ databaseUrl: `${admin}/postgres`, dataDir: "", poolSize: 1 });
    try {
      await root.withSql((sql) => sql.exec(`CREATE DATABASE "${database}"`));
    } finally {
      await root.close();
    }
    instance.url = `${admin}/${database}`;
    if (options.migrate ?? true) {
      const db = await openDatabase({ databaseUrl: instance.url, dataDir: "", poolSize: 1 });
      try {
        await migrate(db);
      } finally {
        await db.close();
      }
    }
    return instance;
  } catch (error) {
    const log = await instance.log();
    await instance.destroy();
    throw new Error(`private PostgreSQL did not start: ${String(error)}\n${log}`);
  }
}
