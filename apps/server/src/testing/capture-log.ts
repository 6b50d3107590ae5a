import { Writable } from "node:stream";
import pino from "pino";
import type { LogLevel } from "../config.ts";
import { createLog, type Log } from "../log.ts";

export interface CapturedRecord {
  /** The level's name (`info`, `warn`…), not pino's number. */
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** The process's logger as production makes it (JSON), writing to memory: tests read the records. */
export function captureLog(level: LogLevel = "trace"): { log: Log; records: CapturedRecord[] } {
  const records: CapturedRecord[] = [];
  // pino writes each record as one line in one call
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split("\n")) {
        if (line === "") continue;
        const record = JSON.parse(line) as CapturedRecord & { level: number };
        records.push({
          ...record,
          level: pino.levels.labels[record.level] ?? String(record.level),
        });
      }
      done();
    },
  });
  return { log: createLog(level, { format: "json", destination }), records };
}
