import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./ports.ts";

/**
 * A private rspamd (Debian's package) for tests: the system's configuration from /etc/rspamd,
 * with a temporary LOCAL_CONFDIR whose override.d binds only the scanning worker to a free
 * loopback port (no controller, no proxy) and keeps its files in a temporary folder. It runs
 * offline: the modules that ask the network for each message (DNS block lists, SPF, DKIM, DMARC,
 * ASN, fuzzy hashes) are off, so a scan takes milliseconds and answers the same everywhere.
 *
 * The first start on a machine compiles rspamd's regular expressions and TLD list (hyperscan),
 * which takes from 10 s to a minute; the result is kept in a folder under the system's temporary
 * folder that every start shares, so later starts take about a second.
 */
export interface PrivateRspamd {
  /** `http://127.0.0.1:<port>`: the scanning worker (POST /checkv2, GET /ping). */
  url: string;
  port: number;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

const BINARY = "rspamd";

/** The standard test string that every spam scanner rejects (rspamd: symbol GTUBE, reject). */
export const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

/** True when the rspamd command can run here. */
function rspamdAvailable(): boolean {
  return spawnSync(BINARY, ["--version"], { stdio: "ignore" }).status === 0;
}

/** Compiled patterns shared by every private instance (see above). */
const HYPERSCAN_CACHE = path.join(tmpdir(), "scripts-email-rspamd-hyperscan");

/** Modules that make network requests per message, or at start (fuzzy servers). */
const NETWORK_MODULES = [
  "asn",
  "dkim",
  "dmarc",
  "emails",
  "fuzzy_check",
  "rbl",
  "spf",
  "surbl",
  "url_redirector",
];

/** First start compiles the patterns (see above): allow it on a busy machine. */
const START_TIMEOUT_MS = 180_000;

export async function startRspamd(): Promise<PrivateRspamd> {
  if (!rspamdAvailable()) {
    throw new Error("rspamd is not on PATH: install it (apt-get install -y rspamd)");
  }
  const dir = await mkdtemp(path.join(tmpdir(), "se-rspamd-"));
  await mkdir(HYPERSCAN_CACHE, { recursive: true });
  for (const sub of ["local.d", "override.d", "run", "db", "log"]) {
    await mkdir(path.join(dir, sub));
  }
  const logFile = path.join(dir, "log", "rspamd.log");
  const write = (file: string, text: string) => writeFile(path.join(dir, file), `${text}\n`);
  await write(
    "local.d/options.inc",
    [
      // nothing here should need DNS; if something does, fail fast instead of stalling scans
      "dns { timeout = 0.2s; retransmits = 1; }",
      `hs_cache_dir = "${HYPERSCAN_CACHE}";`,
    ].join("\n"),
  );
  for (const module of NETWORK_MODULES) await write(`local.d/${module}.conf`, "enabled = false;");
  await write("override.d/worker-controller.inc", "enabled = false;");
  await write("override.d/worker-proxy.inc", "enabled = false;");
  await write(
    "override.d/logging.inc",
    `type = "file"; filename = "${logFile}"; level = "warning";`,
  );

  let child: ChildProcess | undefined;
  let exited: string | undefined;
  const kill = () => {
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      // its own process group: the main process and its workers
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const onExit = () => kill();
  process.once("exit", onExit);

  const log = () => readFile(logFile, "utf8").catch(() => "");
  const cleanUp = async () => {
    process.off("exit", onExit);
    await rm(dir, { recursive: true, force: true });
  };

  // The free port may be taken between the probe and the bind: try a few.
  for (let i = 0; i < 5; i++) {
    const port = await freePort();
    await write("override.d/worker-normal.inc", `bind_socket = "127.0.0.1:${port}";\ncount = 1;`);
    exited = undefined;
    const started = spawn(
      BINARY,
      [
        "-f",
        "-i",
        ...["--var", `LOCAL_CONFDIR=${dir}`],
        ...["--var", `RUNDIR=${path.join(dir, "run")}`],
        ...["--var", `DBDIR=${path.join(dir, "db")}`],
        ...["--var", `LOGDIR=${path.join(dir, "log")}`],
      ],
      { cwd: dir, detached: true, stdio: ["ignore", "ignore", "pipe"] },
    );
    child = started;
    let stderr = "";
    started.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    started.once("exit", (code, signal) => {
      exited = `rspamd exited (${signal ?? `code ${code}`}): ${stderr}`;
    });
    const url = `http://127.0.0.1:${port}`;
    const up = await waitForPing(url, START_TIMEOUT_MS, () => exited);
    if (up) {
      return {
        url,
        port,
        async stop() {
          if (exited === undefined) {
            const gone = new Promise<void>((resolve) => started.once("exit", () => resolve()));
            process.kill(-(started.pid as number), "SIGTERM");
            const timer = setTimeout(kill, 10_000);
            await gone;
            clearTimeout(timer);
          }
          await cleanUp();
        },
      };
    }
    kill();
    if (exited === undefined) break; // it ran but never answered: not a port clash
  }
  const text = `${exited ?? "rspamd did not answer /ping"}\n${await log()}`;
  kill();
  await cleanUp();
  throw new Error(`private rspamd did not start: ${text}`);
}

/** True once GET /ping answers; false when the process exits or the time runs out. */
async function waitForPing(
  url: string,
  timeoutMs: number,
  gaveUp: () => string | undefined,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp() !== undefined) return false;
    if (await ping(url)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function ping(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/ping`, { timeout: 1000 }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve(res.statusCode === 200 && body.trim() === "pong"));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}
