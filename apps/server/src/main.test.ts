import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@scripts-email/harness/ports";
import { afterAll, beforeAll, expect, it } from "vitest";

// Starts the real process entry on a new embedded database: PGlite needs ~7 s for a new data
// folder, the first start also migrates and hashes the demo passwords.
const ROOT = path.resolve(import.meta.dirname, "../../..");
const START_TIMEOUT = 60_000;

let dataRoot: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dataRoot = await mkdtemp(path.join(tmpdir(), "se-server-"));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await rm(dataRoot, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  stdout: () => string;
  output: () => string;
  exited: Promise<number | null>;
}

async function start(port: number): Promise<Started> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: path.join(dataRoot, "data"),
    ROLES: "api",
    LOG_LEVEL: "info",
    // as at a terminal, where the demo credentials are printed (with JSON logs, on stderr)
    LOG_FORMAT: "pretty",
  };
  delete env.DATABASE_URL;
  // node itself (not a wrapper) so that SIGTERM reaches the process under test
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const running = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not running after ${START_TIMEOUT} ms\n${out}\n${err}`)),
      START_TIMEOUT - 5_000,
    );
    child.stdout?.on("data", () => {
      if (out.includes("Scripts-email is running")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before running\n${out}\n${err}`));
    });
  });
  await running;
  return { child, stdout: () => out, output: () => `${out}\n${err}`, exited };
}

async function stop(started: Started): Promise<number | null> {
  started.child.kill("SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 15_000));
  const result = await Promise.race([started.exited, timeout]);
  if (result === "timeout") {
    throw new Error(`did not exit within 15 s of SIGTERM\n${started.output()}`);
  }
  return result;
}

it(
  "starts on a new embedded database, prints the demo credentials that sign in, and stops on SIGTERM",
  async () => {
    const port = await freePort();
    const server = await start(port);
    const base = `http://127.0.0.1:${port}`;
    expect(server.stdout()).toContain(`${base}/api/docs`);

    const match = server.stdout().match(/customer login\s+(\S+)\s+password: (\S+)/);
    expect(match).not.toBeNull();
    const [, email, password] = match!;
    expect(email).toBe("customer@example.org");

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: "ok" });

    const login = await fetch(`${base}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    expect(login.status).toBeLessThan(300);
    const cookie = login.headers.get("set-cookie")?.split(";")[0];
    expect(cookie).toBeTruthy();
    const me = await fetch(`${base}/api/me`, { headers: { cookie: cookie! } });
    expect(await me.json()).toMatchObject({ email: "customer@example.org", role: "customer" });

    expect(await stop(server)).toBe(0);
  },
  START_TIMEOUT + 30_000,
);

it(
  "does not seed again on the next start of the same data folder",
  async () => {
    const server = await start(await freePort());
    expect(server.stdout()).not.toContain("Demo data created");
    expect(await stop(server)).toBe(0);
  },
  START_TIMEOUT + 30_000,
);
