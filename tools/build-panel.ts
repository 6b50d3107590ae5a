// `pnpm start` builds the panel only when its sources changed since the last build: rebuilding
// an unchanged panel made every restart wait about 9 seconds. The sources' content hash is kept
// in a stamp file beside the build; content, not modification times, so that a checkout or a
// copy that touches every file without changing one does not force a build.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

/** What the panel's build reads: its sources, the workspace packages it imports, the versions. */
export const PANEL_INPUTS = [
  "apps/web/index.html",
  "apps/web/vite.config.ts",
  "apps/web/package.json",
  "apps/web/src",
  "packages/contracts/package.json",
  "packages/contracts/src",
  "packages/i18n/package.json",
  "packages/i18n/src",
  "package.json",
  "pnpm-lock.yaml",
  "tsconfig.base.json",
];

export const PANEL_DIST = "apps/web/dist";
/** Written into the build output after a build; vite empties the folder on the next one. */
export const STAMP_FILE = ".sources-sha256";

// tests are never part of the bundle; changing one needs no build
const SKIPPED = /(^|\/)(node_modules|dist)(\/|$)|\.test\.tsx?$/;

async function listFiles(root: string, input: string): Promise<string[]> {
  const full = path.join(root, input);
  try {
    const entries = await readdir(full, { withFileTypes: true, recursive: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") return [input];
    if (code === "ENOENT") return [];
    throw error;
  }
}

/** One hash over the inputs' paths and contents, in a stable order. */
export async function panelSourceHash(root = ROOT, inputs = PANEL_INPUTS): Promise<string> {
  const files = (await Promise.all(inputs.map((input) => listFiles(root, input))))
    .flat()
    .filter((file) => !SKIPPED.test(file))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

export type BuildDecision = { build: false } | { build: true; reason: string };

/** Whether the build in `distDir` is missing or was made from other sources than `hash`. */
export async function panelBuildDecision(distDir: string, hash: string): Promise<BuildDecision> {
  const read = (name: string) => readFile(path.join(distDir, name), "utf8").catch(() => null);
  if ((await read("index.html")) === null) return { build: true, reason: "no built panel" };
  const stamp = await read(STAMP_FILE);
  if (stamp === null) return { build: true, reason: "the built panel has no sources stamp" };
  if (stamp.trim() !== hash) return { build: true, reason: "the panel's sources changed" };
  return { build: false };
}

/**
 * Builds the panel when `panelBuildDecision` says so, in a child process (vite's CLI, as
 * `pnpm build` runs it), so that the server started after it never holds the bundler.
 */
export async function buildPanelIfChanged(root = ROOT): Promise<BuildDecision> {
  const distDir = path.join(root, PANEL_DIST);
  // hashed before building: a source changed during the build leaves a stamp that differs
  const hash = await panelSourceHash(root);
  const decision = await panelBuildDecision(distDir, hash);
  if (decision.build) {
    const vite = path.join(root, "node_modules/vite/bin/vite.js");
    const run = spawnSync(
      process.execPath,
      [vite, "build", path.join(root, "apps/web"), "--logLevel", "warn"],
      { stdio: "inherit" },
    );
    if (run.status !== 0) {
      throw new Error(`building the panel failed (vite exited with ${run.status ?? run.signal})`);
    }
    await writeFile(path.join(distDir, STAMP_FILE), `${hash}\n`);
  }
  return decision;
}
