import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";

/**
 * Who holds the lock: the pid, and on Linux the process's start time (clock ticks since boot,
 * /proc/<pid>/stat field 22) and the boot's id. A pid alone is not enough: after a crash the
 * kernel may give the dead holder's pid to an unrelated process, and the database would stay
 * refused until someone removed the lock by hand. The same pid with another start time, or a
 * lock from an earlier boot, is a dead holder.
 */
export interface LockHolder {
  pid: number;
  startTime?: string | undefined;
  bootId?: string | undefined;
}

/** The start time of a running process, or undefined where /proc cannot tell (not Linux, gone). */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces and parentheses: count from its closing one
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

function currentBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** This process as a lock holder, written into the lock file as one line. */
export function describeHolder(pid = process.pid): string {
  return [pid, processStartTime(pid) ?? "-", currentBootId() ?? "-"].join(" ");
}

export function parseHolder(text: string): LockHolder | undefined {
  const [pid, startTime, bootId] = text.trim().split(/\s+/);
  const n = Number.parseInt(pid ?? "", 10);
  if (!Number.isInteger(n) || n <= 0) return undefined;
  const known = (v: string | undefined) => (v && v !== "-" ? v : undefined);
  return { pid: n, startTime: known(startTime), bootId: known(bootId) };
}

/** Whether the process that wrote the lock still runs (a lock of the old, pid-only form trusts the pid). */
export function holderIsAlive(holder: LockHolder): boolean {
  const boot = currentBootId();
  if (holder.bootId && boot && holder.bootId !== boot) return false;
  if (!isAlive(holder.pid)) return false;
  if (!holder.startTime) return true;
  const now = processStartTime(holder.pid);
  return now === undefined || now === holder.startTime;
}

export class DatabaseInUseError extends Error {
  constructor(folder: string, pid: number) {
    super(
      `The embedded database in ${folder} is already open in process ${pid}. Stop that process first (or set DATABASE_URL to use PostgreSQL, which many processes can share).`,
    );
    this.name = "DatabaseInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `lockFile` for this process (it holds our pid and start time), or throws
 * DatabaseInUseError while a living process holds it. A lock left by a process that died is
 * taken over, also when its pid now belongs to another process. Returns the release function.
 */
export function acquireDataLock(lockFile: string, folder: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // link() is atomic: the lock never exists without the pid in it
      const draft = `${lockFile}.${process.pid}`;
      const me = describeHolder();
      writeFileSync(draft, `${me}\n`);
      try {
        linkSync(draft, lockFile);
      } finally {
        unlinkSync(draft);
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(lockFile, "utf8").trim() === me) unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: LockHolder | undefined;
    try {
      holder = parseHolder(readFileSync(lockFile, "utf8"));
    } catch {
      // removed meanwhile: try again
    }
    if (holder && holderIsAlive(holder)) throw new DatabaseInUseError(folder, holder.pid);
    try {
      unlinkSync(lockFile);
    } catch {
      // someone else removed it first
    }
  }
  throw new Error(`Could not take the lock ${lockFile} of the embedded database in ${folder}.`);
}
