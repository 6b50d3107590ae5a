import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  acquireDataLock,
  DatabaseInUseError,
  describeHolder,
  parseHolder,
  processStartTime,
} from "./data-lock.ts";

// The lock of the embedded database, with real processes: a living holder, one that died, and
// one whose pid now belongs to another process (what a crash followed by pid reuse leaves).

let dir: string;
let lockFile: string;
const children: ChildProcess[] = [];
const linux = existsSync("/proc/self/stat");

async function livingProcess(): Promise<number> {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  children.push(child);
  await once(child, "spawn");
  return child.pid!;
}

async function deadPid(): Promise<number> {
  const child = spawn("true", { stdio: "ignore" });
  await once(child, "exit");
  return child.pid!;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "se-data-lock-"));
  lockFile = path.join(dir, "pglite.lock");
});

afterEach(async () => {
  await rm(lockFile, { force: true });
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the embedded database's lock", () => {
  it("records this process's pid with its start time, and removes it on release", () => {
    const release = acquireDataLock(lockFile, dir);
    const holder = parseHolder(readFileSync(lockFile, "utf8"));
    expect(holder?.pid).toBe(process.pid);
    if (linux) expect(holder?.startTime).toBe(processStartTime(process.pid));
    release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it("is refused while the process that holds it runs", async () => {
    const pid = await livingProcess();
    writeFileSync(lockFile, `${describeHolder(pid)}\n`);
    expect(() => acquireDataLock(lockFile, dir)).toThrow(DatabaseInUseError);
    expect(() => acquireDataLock(lockFile, dir)).toThrow(`already open in process ${pid}`);
  });

  it("is refused to a second opening in the same process", () => {
    const release = acquireDataLock(lockFile, dir);
    try {
      expect(() => acquireDataLock(lockFile, dir)).toThrow(DatabaseInUseError);
    } finally {
      release();
    }
  });

  it("is taken over from a process that died", async () => {
    writeFileSync(lockFile, `${await deadPid()} 12345 -\n`);
    const release = acquireDataLock(lockFile, dir);
    expect(parseHolder(readFileSync(lockFile, "utf8"))?.pid).toBe(process.pid);
    release();
  });

  it.runIf(linux)(
    "is taken over when the dead holder's pid now belongs to another process",
    async () => {
      // the pid runs, but it started at another time than the holder that wrote the lock
      const pid = await livingProcess();
      const [, startTime, bootId] = describeHolder(pid).split(" ");
      writeFileSync(lockFile, `${pid} ${Number(startTime) + 1} ${bootId}\n`);

      const release = acquireDataLock(lockFile, dir);
      expect(parseHolder(readFileSync(lockFile, "utf8"))?.pid).toBe(process.pid);
      release();
    },
  );

  it.runIf(linux)("is taken over from a holder of an earlier boot", async () => {
    const pid = await livingProcess();
    const [, startTime] = describeHolder(pid).split(" ");
    writeFileSync(lockFile, `${pid} ${startTime} 00000000-0000-0000-0000-000000000000\n`);

    const release = acquireDataLock(lockFile, dir);
    release();
  });

  it("still trusts a lock of the old form (a pid alone) while that pid runs", async () => {
    const pid = await livingProcess();
    writeFileSync(lockFile, String(pid));
    expect(() => acquireDataLock(lockFile, dir)).toThrow(DatabaseInUseError);
  });
});
