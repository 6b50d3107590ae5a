import type { LogLevel } from "./config.ts";

const ORDER: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: 100,
};

export interface Log {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** The process's own lines (start-up, roles, jobs); the API logs its requests through Fastify. */
export function createLog(level: LogLevel, out: NodeJS.WritableStream = process.stderr): Log {
  const write = (at: LogLevel, message: string) => {
    if (ORDER[at] < ORDER[level]) return;
    out.write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${message}\n`);
  };
  return {
    error: (message, error) =>
      write("error", error === undefined ? message : `${message}: ${describe(error)}`),
    warn: (message) => write("warn", message),
    info: (message) => write("info", message),
    debug: (message) => write("debug", message),
  };
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

/** `key=value` pairs (logfmt), so that log lines can be searched by message id, code, etc. */
export function fields(details: object): string {
  return Object.entries(details)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      const text = typeof v === "string" ? v : JSON.stringify(v);
      return `${k}=${/^[\w.@:/+-]*$/.test(text) ? text : JSON.stringify(text)}`;
    })
    .join(" ");
}
