/**
 * What the domain and the MTA log through: the part of pino's logger they use, so that the
 * server hands its pino logger (or a child of it) down as it is, and neither package depends on
 * pino. Details are fields (`hosting`, `messageId`…), never baked into the message, so that a
 * JSON log can be searched by them; an error goes whole as `err` (pino prints its stack), or as
 * its text in `error` where it repeats while a database is away.
 */
export interface Logger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

/** Logs nothing: the default where a caller gives no logger. */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
};

export interface LogRecord {
  level: keyof Logger;
  msg: string;
  [field: string]: unknown;
}

/**
 * A logger that keeps what it is told, as pino would write it (`level`, `msg` and the fields), for
 * tests that check what the operator would see.
 */
export function recordingLogger(): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: keyof Logger) =>
    (details: object, message: string): void => {
      records.push({ ...details, level, msg: message });
    };
  return { records, error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}
