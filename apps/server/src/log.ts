import { isatty } from "node:tty";
import pino from "pino";
import pretty from "pino-pretty";
import type { LogFormat, LogLevel } from "./config.ts";

/**
 * The process's logger: one pino logger made at start (main.ts, the CLI), handed down as children
 * that carry their fields (`role`, `job`; Fastify adds `reqId`). The domain and the MTA see it
 * as their `Logger` interface and never import pino.
 */
export type Log = pino.Logger;

/**
 * Censored wherever they appear, whoever logs what: Fastify's request serialiser leaves headers
 * and bodies out, so this is the net under a log call that passes a request or a login whole.
 */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  "headers.authorization",
  "headers.cookie",
  "password",
  "*.password",
  "newPassword",
  "*.newPassword",
  "currentPassword",
  "*.currentPassword",
  "pass",
  "*.pass",
  "token",
  "*.token",
  "secret",
  "*.secret",
];

export interface LogOptions {
  /** `json` or `pretty`; resolve `auto` first with `resolveLogFormat`. Default `json`. */
  format?: Exclude<LogFormat, "auto">;
  /** Where the lines go: a file descriptor (default 1, stdout) or a stream (tests). */
  destination?: number | NodeJS.WritableStream;
}

/** `auto` is `pretty` for a person at a terminal, `json` for whatever collects the output. */
export function resolveLogFormat(
  format: LogFormat,
  isTty: boolean = process.stdout.isTTY === true,
): Exclude<LogFormat, "auto"> {
  if (format !== "auto") return format;
  return isTty ? "pretty" : "json";
}

/**
 * JSON lines (pino's own, time in ISO 8601) or readable lines through pino-pretty. Both are
 * written synchronously in this thread, so that nothing is lost on `process.exit` and no worker
 * thread is started (pino's `transport` option would start one per process).
 */
export function createLog(level: LogLevel, options: LogOptions = {}): Log {
  const destination = options.destination ?? 1;
  const stream =
    options.format === "pretty"
      ? pretty({
          destination,
          sync: true,
          translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
          ignore: "pid,hostname,role",
          messageFormat: "{if role}{role}: {end}{msg}",
          singleLine: true,
          colorize: typeof destination === "number" && isatty(destination),
        })
      : typeof destination === "number"
        ? pino.destination({ dest: destination, sync: true })
        : destination;
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    stream,
  );
}
