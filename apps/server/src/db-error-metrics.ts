import { DATABASE_ERROR_KINDS, databaseErrorKind } from "@scripts-email/db";
import { Counter, type Registry } from "prom-client";

/**
 * `scripts_email_db_errors_total{kind}`: failed database connections and statements of this
 * process (PostgreSQL only), by kind (see databaseErrorKind), every kind shown from the start so
 * that an alert has a series to watch. Returns what `openDatabase({ onError })` calls.
 */
export function createDbErrorMetrics(registry: Registry): (error: unknown) => void {
  const errors = new Counter({
    name: "scripts_email_db_errors_total",
    help:
      "Failed database calls of this process, by kind: connection (refused, lost, server " +
      "shutting down), query (any other error the server reported: timeout, deadlock, disk " +
      "full), constraint (a duplicate and the like, usually the product's answer to a user).",
    labelNames: ["kind"],
    registers: [registry],
  });
  for (const kind of DATABASE_ERROR_KINDS) errors.inc({ kind }, 0);
  return (error) => errors.inc({ kind: databaseErrorKind(error) });
}
