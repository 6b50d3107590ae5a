// 4. The SPA's initial JavaScript and CSS, gzip, from apps/web/dist after `pnpm build`.
import { spawnSync } from "node:child_process";
import path from "node:path";
import type { BenchConfig } from "../lib/config.ts";
import type { Figures } from "../lib/figures.ts";
import { REPO } from "../lib/procs.ts";
import { measureSpa } from "../lib/spa.ts";

export const WEB_DIST = path.join(REPO, "apps/web/dist");

/** "assets/fleet-page-Beazub6r.js" -> "fleet-page": the name without the content hash. */
function chunkName(file: string): string {
  return path.basename(file, ".js").replace(/-[\w-]{8}$/, "");
}

export function reportSpa(figs: Figures, dist: string): boolean {
  const s = measureSpa(dist);
  if (!s) return false;
  figs.add(
    "spa.initial_js_gzip_kb",
    s.initialJsGzip / 1000,
    "kB",
    `gzip -9 of ${s.files.filter((f) => f.endsWith(".js")).join(", ")}`,
  );
  figs.add("spa.initial_js_kb", s.initialJs / 1000, "kB");
  figs.add("spa.initial_css_gzip_kb", s.initialCssGzip / 1000, "kB");
  figs.add("spa.initial_css_kb", s.initialCss / 1000, "kB");
  figs.add(
    "spa.all_js_gzip_kb",
    s.allJsGzip / 1000,
    "kB",
    "every .js in dist, lazy chunks included",
  );
  figs.add(
    "spa.lazy_js_gzip_kb",
    s.lazyJs.reduce((sum, chunk) => sum + chunk.gzip, 0) / 1000,
    "kB",
    `${s.lazyJs.length} chunks loaded on demand, each gzip -9 on its own`,
  );
  for (const chunk of s.lazyJs) {
    figs.add(`spa.lazy.${chunkName(chunk.file)}_gzip_kb`, chunk.gzip / 1000, "kB", chunk.file);
  }
  return true;
}

export async function benchSpa(cfg: BenchConfig, figs: Figures, log: (s: string) => void) {
  if (cfg.buildSpa) {
    log("spa: pnpm build");
    const r = spawnSync("pnpm", ["build", "--logLevel", "warn"], {
      cwd: REPO,
      stdio: "ignore",
      timeout: 300_000,
    });
    if (r.status !== 0) figs.note("spa: pnpm build failed; sizes are from the dist that was there");
  }
  if (!reportSpa(figs, WEB_DIST)) figs.note(`spa: no ${WEB_DIST}/index.html: not measured`);
}
