// `pnpm start`: builds the panel only when its sources changed since the last build (see
// build-panel.ts), then runs the server in this same process, so that a restart with nothing
// changed costs a hash of the sources (a few tens of milliseconds) instead of a build.
import { buildPanelIfChanged } from "./build-panel.ts";

const started = Date.now();
const decision = await buildPanelIfChanged();
if (decision.build) {
  // stderr: stdout carries only the server's log records (JSON when LOG_FORMAT says so)
  console.error(
    `panel built (${decision.reason}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
await import("../apps/server/src/main.ts");
