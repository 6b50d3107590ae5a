import type { Database } from "@scripts-email/db";
import {
  createServices,
  type Logger,
  type MailPathOptions,
  type Services,
} from "@scripts-email/domain";
import {
  createIngestServer,
  type IngestServer,
  type IngestServerOptions,
  smtpLogin,
} from "@scripts-email/mta";

export interface IngestStack {
  services: Services;
  server: IngestServer;
  port: number;
  /** The hosting the load is sent as (AUTH user and password). */
  hosting: { id: string; serviceName: string; password: string };
  /** Errors the server logged (e.g. `message not stored`), for the report. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * The SMTP role as production wires it (real services on `db`, the system clock), with one
 * hosting to send as and burst protection off: a fault test's load is not abuse.
 */
export async function startIngestStack(
  db: Database,
  options: {
    serviceName?: string;
    mail?: MailPathOptions;
    server?: Partial<IngestServerOptions>;
  } = {},
): Promise<IngestStack> {
  const services = createServices({
    db,
    mail: { burst: { limit: 0, windowMs: 60_000 }, ...options.mail },
  });
  const serviceName = options.serviceName ?? "load.example";
  const ownerEmail = `owner@${serviceName}`;
  await services.users.create({ email: ownerEmail, password: "correct horse", role: "customer" });
  const created = await services.hostings.create({ serviceName, ownerEmail, maxPerDay: 1_000_000 });
  const password = await services.hostings.resetSmtpPassword(serviceName);
  const errors: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (details, message) => {
      const err = (details as { err?: unknown }).err;
      errors.push(`${message}: ${err instanceof Error ? err.message.split("\n")[0] : ""}`);
    },
  };
  const server = createIngestServer(
    {
      authenticate: smtpLogin(services.hostings),
      accept: (message) => services.mail.ingest.accept(message),
      logger,
    },
    { port: 0, closeTimeoutMs: 500, ...options.server },
  );
  const port = await server.listen();
  return {
    services,
    server,
    port,
    hosting: { id: created.id, serviceName, password },
    errors,
    close: () => server.close(),
  };
}
