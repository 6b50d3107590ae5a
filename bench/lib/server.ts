// The product as a child process: `node --import tsx apps/server/src/main.ts` with its roles and
// environment, optionally under `--cpu-prof`.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { urlOf } from "./db.ts";
import { type Child, startChild, waitPort } from "./procs.ts";

export interface ServerOptions {
  lab: string;
  name: string;
  database: string;
  roles: string;
  smtpPort?: number;
  httpPort?: number;
  relayPort?: number;
  profileDir?: string | undefined;
  env?: Record<string, string>;
}

export interface RunningServer {
  child: Child;
  logFile: string;
  stop(): Promise<void>;
}

export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const logFile = path.join(o.lab, `${o.name}.log`);
  const dataDir = path.join(o.lab, `${o.name}-data`);
  mkdirSync(dataDir, { recursive: true });
  const args = ["--import", "tsx"];
  if (o.profileDir) {
    mkdirSync(o.profileDir, { recursive: true });
    args.push("--cpu-prof", `--cpu-prof-dir=${o.profileDir}`);
  }
  args.push("apps/server/src/main.ts");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: urlOf(o.database),
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    ROLES: o.roles,
    LOG_LEVEL: "warn",
    AUTO_BLOCK_BURST_PER_MINUTE: "0",
    ...(o.smtpPort ? { SMTP_PORT: String(o.smtpPort) } : {}),
    ...(o.httpPort ? { PORT: String(o.httpPort) } : {}),
    ...(o.relayPort ? { SMTP_RELAY_URL: `smtp://127.0.0.1:${o.relayPort}` } : {}),
    ...o.env,
  };
  const child = startChild(o.name, process.execPath, args, { env, logFile });
  try {
    if (o.smtpPort) await waitPort(o.smtpPort, 90_000, child);
    if (o.httpPort) await waitPort(o.httpPort, 90_000, child);
    if (!o.smtpPort && !o.httpPort) await waitForLog(child, /running roles/, 90_000);
  } catch (error) {
    await child.stop(5_000);
    throw new Error(`${o.name} did not start (see ${logFile}): ${(error as Error).message}`);
  }
  return { child, logFile, stop: () => child.stop(20_000) };
}

function waitForLog(child: Child, pattern: RegExp, timeoutMs: number): Promise<void> {
  // the log file gets stdout too; watch the stream itself
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error("no start-up line")), timeoutMs);
    const onData = (chunk: Buffer) => {
      text = (text + chunk.toString()).slice(-4000);
      if (pattern.test(text)) {
        clearTimeout(timer);
        child.process.stdout?.off("data", onData);
        resolve();
      }
    };
    child.process.stdout?.on("data", onData);
    child.exited.then(() => reject(new Error("exited")));
  });
}
