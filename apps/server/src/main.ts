// The process entry for every role: `pnpm start`. Which roles run comes from ROLES.
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { createLog, resolveLogFormat } from "./log.ts";
import { type RunningServer, startServer } from "./server.ts";

const SHUTDOWN_TIMEOUT_MS = 15_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
  const format = resolveLogFormat(config.logFormat);
  const log = createLog(config.logLevel, { format });
  // The one-time demo credentials are for the person who started the process, never a log
  // record: where stdout is JSON for a collector, they go to stderr.
  const print = (text: string) =>
    (format === "json" ? process.stderr : process.stdout).write(`${text}\n`);

  let server: RunningServer | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  let stopping = false;

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "signal again: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, "shutdown took too long: exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    force.unref();
    (server ? server.stop() : Promise.resolve()).then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // Installed once and never removed: removing the last listener of a signal and adding another
  // can drop a signal that arrives in between.
  const onSignal = (signal: NodeJS.Signals) => {
    if (server || stopping) shutdown(signal);
    else if (stopRequested) {
      log.warn({ signal }, "signal again: exiting now");
      process.exit(1);
    } else {
      stopRequested = signal;
      log.info({ signal }, "will stop once started (again to exit at once)");
    }
  };
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);

  try {
    server = await startServer({ config, log, print });
  } catch (error) {
    log.error({ err: error }, "start-up failed");
    process.exit(1);
  }
  if (stopRequested) shutdown(stopRequested);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
  process.exit(1);
});
