import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";

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
 * Takes `lockFile` for this process (it holds our pid), or throws DatabaseInUseError while a
 * living process holds it. A lock left by a process that died is taken over. Returns the
 * release function.
 */
export function acquireDataLock(lockFile: string, folder: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // link() is atomic: the lock never exists without the pid in it
      const draft = `${lockFile}.${process.pid}`;
      writeFileSync(draft, String(process.pid));
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
          if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
    } catch {
      // removed meanwhile: try again
    }
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new DatabaseInUseError(folder, holder);
    }
    try {
      unlinkSync(lockFile);
    } catch {
      // someone else removed it first
    }
  }
  throw new Error(`Could not take the lock ${lockFile} of the embedded database in ${folder}.`);
}
