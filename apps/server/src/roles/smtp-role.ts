import { readFile } from "node:fs/promises";
import { createIngestServer, type IngestLogger } from "@scripts-email/mta";
import { fields } from "../log.ts";
import type { RoleContext, RunningRole } from "../roles.ts";

/** SMTP submission for the websites' scripts (and the sendmail command), on SMTP_PORT. */
export async function startSmtpRole({
  config,
  services,
  log,
  mta,
}: RoleContext): Promise<RunningRole> {
  const logger: IngestLogger = {
    info: (details, message) => log.debug(`smtp: ${message} ${fields(details)}`),
    warn: (details, message) => log.warn(`smtp: ${message} ${fields(details)}`),
    error: (details, message) => log.error(`smtp: ${message} ${fields(details)}`),
  };
  const tls = config.smtpTls
    ? { key: await readFile(config.smtpTls.keyFile), cert: await readFile(config.smtpTls.certFile) }
    : undefined;
  const server = createIngestServer(
    {
      authenticate: async (user, pass) => {
        const hosting = await services.hostings.verifySmtpPassword(user, pass);
        return hosting && { hostingId: hosting.id, serviceName: hosting.serviceName };
      },
      accept: async (message) => {
        const accepted = await services.mail.ingest.accept(message);
        mta.accepted(accepted.status);
        return accepted;
      },
      logger,
    },
    {
      port: config.smtpPort,
      host: config.host,
      maxSize: config.smtpMaxSizeBytes,
      ...(tls ? { tls } : {}),
    },
  );
  const port = await server.listen();
  log.info(`smtp: submission on ${config.host}:${port}${tls ? " (STARTTLS offered)" : ""}`);
  return { name: "smtp", stop: () => server.close() };
}
