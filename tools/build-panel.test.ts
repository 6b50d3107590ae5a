import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PANEL_DIST, panelBuildDecision, panelSourceHash, STAMP_FILE } from "./build-panel.ts";

// The decision `pnpm start` makes before starting: build the panel only when its sources changed.

let root: string;
const inputs = ["apps/web/src", "apps/web/index.html", "packages/i18n/src", "pnpm-lock.yaml"];

async function put(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), text);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "se-panel-"));
  await put("apps/web/src/main.tsx", "export {};");
  await put("apps/web/src/lib/api.ts", "export const a = 1;");
  await put("apps/web/index.html", "<!doctype html>");
  await put("packages/i18n/src/catalogue/en.json", "{}");
  await put("pnpm-lock.yaml", "lockfileVersion: '9.0'");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("panelSourceHash", () => {
  it("is the same for the same sources, whatever their times", async () => {
    const first = await panelSourceHash(root, inputs);
    await put("apps/web/src/main.tsx", "export {};");
    expect(await panelSourceHash(root, inputs)).toBe(first);
  });

  it("changes with a source's content, a new file, a catalogue or the lockfile", async () => {
    const base = await panelSourceHash(root, inputs);
    const changes: [string, string, string][] = [
      ["apps/web/src/lib/api.ts", "export const a = 2;", "export const a = 1;"],
      ["packages/i18n/src/catalogue/en.json", '{"a":"b"}', "{}"],
      ["pnpm-lock.yaml", "lockfileVersion: '9.1'", "lockfileVersion: '9.0'"],
    ];
    for (const [file, changed, original] of changes) {
      await put(file, changed);
      expect(await panelSourceHash(root, inputs), file).not.toBe(base);
      await put(file, original);
    }
    expect(await panelSourceHash(root, inputs)).toBe(base);

    await put("apps/web/src/lib/new.ts", "");
    expect(await panelSourceHash(root, inputs)).not.toBe(base);
    await rm(path.join(root, "apps/web/src/lib/new.ts"));
  });

  it("ignores tests, node_modules and the build output", async () => {
    const base = await panelSourceHash(root, inputs);
    await put("apps/web/src/lib/api.test.ts", "it('x', () => {});");
    await put("apps/web/src/node_modules/x/index.js", "");
    await put("apps/web/src/dist/index.html", "");
    expect(await panelSourceHash(root, inputs)).toBe(base);
  });
});

describe("panelBuildDecision", () => {
  it("builds when there is no build, or a build without a stamp or from other sources", async () => {
    const dist = path.join(root, PANEL_DIST);
    expect(await panelBuildDecision(dist, "abc")).toEqual({
      build: true,
      reason: "no built panel",
    });

    await put(`${PANEL_DIST}/index.html`, "<!doctype html>");
    expect(await panelBuildDecision(dist, "abc")).toEqual({
      build: true,
      reason: "the built panel has no sources stamp",
    });

    await put(`${PANEL_DIST}/${STAMP_FILE}`, "def\n");
    expect(await panelBuildDecision(dist, "abc")).toEqual({
      build: true,
      reason: "the panel's sources changed",
    });
  });

  it("does not build when the build was made from these sources", async () => {
    const dist = path.join(root, PANEL_DIST);
    await put(`${PANEL_DIST}/index.html`, "<!doctype html>");
    await put(`${PANEL_DIST}/${STAMP_FILE}`, "abc\n");
    expect(await panelBuildDecision(dist, "abc")).toEqual({ build: false });
  });
});
