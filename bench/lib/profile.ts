// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by function
// and by package, as a share of the sampled non-idle time.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function latestProfile(dir: string): string | undefined {
  try {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's
    // module hooks run in a worker thread that gets a profile of its own)
    const files = readdirSync(dir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f));
    return files.length ? path.join(dir, files.sort().at(-1)!) : undefined;
  } catch {
    return undefined;
  }
}

/** `node_modules/.pnpm/x@1/node_modules/@a/b/…` → `@a/b`; workspace files → their folder. */
export function categoryOf(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "(native/V8)";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "/node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:")) return url.split("/")[0] === "node:internal" ? "node:internal" : url;
  const m = /\/(apps|packages)\/([^/]+)\/src\/(.*)$/.exec(url);
  if (m) return `${m[1]}/${m[2]}`;
  return url.replace(/^file:\/\//, "");
}

export function summarizeProfile(file: string, top = 25): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let total = 0;
  let idle = 0;
  const fns = new Map<string, number>();
  const cats = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    total += us;
    const short = url
      .replace(/^.*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "")
      .replace(/^file:\/\/.*?\/(apps|packages)\//, "$1/");
    const key = `${functionName || "(anonymous)"} ${short}:${lineNumber + 1}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const cat = categoryOf(url, functionName);
    cats.set(cat, (cats.get(cat) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / Math.max(1, total)).toFixed(1).padStart(5)} %`;
  const rows = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  const wall = (profile.endTime - profile.startTime) / 1e6;
  return [
    `profile ${path.basename(file)}: ${wall.toFixed(1)} s wall, ${(total / 1e6).toFixed(1)} s on CPU in JS/V8 (main thread), ${(idle / 1e6).toFixed(1)} s idle`,
    "",
    "self time by package / folder:",
    ...rows(cats, 15),
    "",
    `self time by function (top ${top}):`,
    ...rows(fns, top),
  ].join("\n");
}
