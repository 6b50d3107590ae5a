import { readFileSync } from "node:fs";
import { cp, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { embeddedFolder } from "../client.ts";

// PGlite needs 7-15 s of CPU (initdb in WASM) to create a new data folder, under a second to
// reopen one. Test files that need an embedded database but not its creation start from a copy
// of one new, closed, unmigrated folder made once per PGlite version (migrations still run on
// the copy). The product's own first start on a new folder stays covered by
// apps/server/src/main.test.ts.

/** Named after the PGlite version this package pins: a new version makes a new folder. */
function templateFolder(): string {
  const manifest = JSON.parse(
    readFileSync(path.join(import.meta.dirname, "../../package.json"), "utf8"),
  ) as { dependencies: Record<string, string> };
  const version = manifest.dependencies["@electric-sql/pglite"];
  return path.join(tmpdir(), `se-pglite-template-${version}`);
}

async function exists(folder: string): Promise<boolean> {
  return stat(folder).then(
    () => true,
    () => false,
  );
}

/** Creates the template folder unless it exists; run from vitest's global setup. */
export async function ensureEmbeddedTemplate(): Promise<string> {
  const folder = templateFolder();
  if (await exists(folder)) return folder;
  const draft = await mkdtemp(`${folder}-draft-`);
  const pglite = await PGlite.create(draft);
  await pglite.close();
  // rename() is atomic: a concurrent run either finds the whole folder or makes its own
  await rename(draft, folder).catch(async (error: unknown) => {
    await rm(draft, { recursive: true, force: true });
    if (!(await exists(folder))) throw error;
  });
  return folder;
}

/** Puts a copy of a new, unmigrated embedded database in DATA_DIR `dataDir`. */
export async function seedEmbeddedDataDir(dataDir: string): Promise<void> {
  await cp(await ensureEmbeddedTemplate(), embeddedFolder(dataDir), { recursive: true });
}
