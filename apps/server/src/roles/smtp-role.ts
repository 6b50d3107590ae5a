import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  type AuthenticatedHosting,
  createIngestServer,
  createSmtpLimitMetrics,
  DEFAULT_SESSION_LIMITS,
  FD_RESERVE,
  type LimitEvent,
  openFileLimit,
  REFUSAL_SLOTS,
  RefusalRecorder,
  smtpLogin,
} from "@scripts-email/mta";
import type { RoleContext, RunningRole } from "./role.ts";
import { DEFAULT_LOGIN_CACHE, LoginCache, type LoginCacheOptions } from "./smtp-login-cache.ts";

export interface SmtpRoleOptions {
  /** Successful logins trusted for a few seconds (see `LoginCache`); tests shorten or stop it. */
  loginCache?: LoginCacheOptions;
}

/** SMTP submission for the websites' scripts (and the sendmail command), on SMTP_PORT. */
export async function startSmtpRole(
  { config, services, log, mta, metrics }: RoleContext,
  options: SmtpRoleOptions = {},
): Promise<RunningRole> {
  const tls = config.smtpTls
    ? { key: await readFile(config.smtpTls.keyFile), cert: await readFile(config.smtpTls.certFile) }
    : undefined;
  // Every PHP mail() is a session of its own: without the cache each one is a database lookup.
  // The sender domains come with the login, so a change by support applies within the cache's TTL.
  const logins = new LoginCache<AuthenticatedHosting>(
    smtpLogin(services.hostings),
    options.loginCache ?? DEFAULT_LOGIN_CACHE,
  );
  const maxConnections = config.smtpMaxConnections ?? DEFAULT_SESSION_LIMITS.maxConnections;
  // A flood must leave descriptors for the API and the database (one process runs every role).
  const fds = openFileLimit();
  if (fds !== null && maxConnections + REFUSAL_SLOTS + FD_RESERVE > fds) {
    log.warn(
      { maxConnections, openFiles: fds, reserve: FD_RESERVE },
      `SMTP_MAX_CONNECTIONS=${maxConnections} leaves fewer than ${FD_RESERVE} of the ` +
        `${fds} open files (ulimit -n) to the rest of the process; raise the limit or lower the cap`,
    );
  }
  let limitMetrics: { limitReached(event: LimitEvent): void } | undefined;
  // Refusals per hosting, script and reason, written once a second (never on the answer's path).
  const refusals = new RefusalRecorder(services.mail.refusals, metrics, { log });
  refusals.start();
  const server = createIngestServer(
    {
      authenticate: (user, pass) => logins.authenticate(user, pass),
      accept: async (message) => {
        const accepted = await services.mail.ingest.accept(message);
        mta.accepted(accepted.status);
        return accepted;
      },
      refused: (refused) => refusals.record(refused),
      suppressed: (hostingId, address) => services.suppressions.find(hostingId, address),
      logger: log,
    },
    {
      port: config.smtpPort,
      host: config.host,
      maxSize: config.smtpMaxSizeBytes,
      ...(tls ? { tls } : {}),
      limits: {
        maxConnections,
        maxConnectionsPerAccount: config.smtpMaxConnectionsPerAccount,
        idleTimeoutMs: config.smtpIdleTimeoutSeconds * 1000,
        sessionTimeoutMs: config.smtpSessionTimeoutSeconds * 1000,
      },
      dataMemoryBytes: config.smtpDataMemoryBytes,
      spoolDir: path.join(config.dataDir, "smtp-spool"),
      onLimit: (event) => limitMetrics?.limitReached(event),
    },
  );
  limitMetrics = createSmtpLimitMetrics(metrics, () => server.load());
  const port = await server.listen();
  log.info(
    {
      address: `${config.host}:${port}`,
      starttls: Boolean(tls),
      maxConnections,
      maxConnectionsPerAccount: config.smtpMaxConnectionsPerAccount,
    },
    `submission on ${config.host}:${port}${tls ? " (STARTTLS offered)" : ""}, at most ` +
      `${maxConnections} sessions (${config.smtpMaxConnectionsPerAccount || "no cap"} per hosting)`,
  );
  return {
    name: "smtp",
    // The burst rule and limit warnings of the last batches run after their answers: let them end.
    stop: async () => {
      await server.close();
      await services.mail.ingest.settled();
      await refusals.stop();
    },
  };
}
