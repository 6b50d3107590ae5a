import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes `<dir>/<name>/migration.sql` for each entry (tests of the runner use their own folders). */
export async function writeMigrations(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }
}
