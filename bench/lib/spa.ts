// The SPA's initial download: what index.html loads before anything runs (entry script,
// modulepreloads, stylesheets), measured gzip -9 from the built files.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

export interface SpaSizes {
  initialJs: number;
  initialJsGzip: number;
  initialCss: number;
  initialCssGzip: number;
  allJsGzip: number;
  files: string[];
  /** The chunks index.html does not load: downloaded when a page or dialog that needs them opens. */
  lazyJs: Array<{ file: string; gzip: number }>;
}

const gz = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;

export function measureSpa(dist: string): SpaSizes | undefined {
  const indexFile = path.join(dist, "index.html");
  if (!existsSync(indexFile)) return undefined;
  const html = readFileSync(indexFile, "utf8");
  const refs = new Set<string>();
  const css = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) refs.add(m[1]!);
  for (const m of html.matchAll(/<link[^>]*>/g)) {
    const tag = m[0];
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (!href) continue;
    if (/rel="modulepreload"/.test(tag)) refs.add(href);
    if (/rel="stylesheet"/.test(tag)) css.add(href);
  }
  const file = (ref: string) => path.join(dist, ref.replace(/^\//, "").split("?")[0]!);
  const sizes = (set: Set<string>) => {
    let raw = 0;
    let gzip = 0;
    for (const ref of set) {
      const f = file(ref);
      if (!existsSync(f)) continue;
      const buf = readFileSync(f);
      raw += buf.length;
      gzip += gz(buf);
    }
    return { raw, gzip };
  };
  const js = sizes(refs);
  const styles = sizes(css);
  const initialFiles = new Set([...refs].map(file));
  let allJsGzip = 0;
  const lazyJs: SpaSizes["lazyJs"] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const f = path.join(dir, name);
      if (statSync(f).isDirectory()) walk(f);
      else if (name.endsWith(".js")) {
        const gzip = gz(readFileSync(f));
        allJsGzip += gzip;
        if (!initialFiles.has(f)) lazyJs.push({ file: path.relative(dist, f), gzip });
      }
    }
  };
  walk(dist);
  return {
    initialJs: js.raw,
    initialJsGzip: js.gzip,
    initialCss: styles.raw,
    initialCssGzip: styles.gzip,
    allJsGzip,
    files: [...refs, ...css],
    lazyJs: lazyJs.sort((a, b) => b.gzip - a.gzip),
  };
}
