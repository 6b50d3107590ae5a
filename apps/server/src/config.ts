import { isIP } from "node:net";
import path from "node:path";
import { isReportTime, isTimeZone, parseWebhookNetworks } from "@scripts-email/domain";
import { relayUrlProblem } from "@scripts-email/mta";
import { z } from "zod";

export const ROLE_NAMES = ["api", "smtp", "worker", "scheduler"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `auto`: readable lines when stdout is a terminal, JSON lines otherwise (see log.ts). */
export const LOG_FORMATS = ["auto", "json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const port = (fallback: number) =>
  z.coerce
    .number({ message: "must be a port number" })
    .int({ message: "must be a whole port number" })
    .min(1, { message: "must be a port number between 1 and 65535" })
    .max(65535, { message: "must be a port number between 1 and 65535" })
    .default(fallback);

const boolean = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], {
      message: "must be true or false",
    })
    .transform((v) => v === "true" || v === "1" || v === "yes")
    .default(fallback);

const wholeNumber = (min: number) =>
  z.coerce
    .number({ message: `must be a whole number, at least ${min}` })
    .int({ message: `must be a whole number, at least ${min}` })
    .min(min, { message: `must be a whole number, at least ${min}` });

const urlWithProtocols = (protocols: string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL like ${example}` },
  );

const roles = z
  .string()
  .transform((value) => value.split(",").map((r) => r.trim().toLowerCase()))
  .pipe(
    z
      .array(z.enum(ROLE_NAMES, { message: `must list roles among ${ROLE_NAMES.join(", ")}` }))
      .min(1, { message: "must name at least one role" }),
  )
  .transform((list) => [...new Set(list)])
  .default([...ROLE_NAMES]);

/** An IP address, or a network as address/prefix length. */
function isAddressOrNetwork(item: string): boolean {
  const [address = "", prefix, ...rest] = item.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** Every setting of the process, from the environment (see the README's table). */
const configSchema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: urlWithProtocols(
    ["postgresql:", "postgres:"],
    "postgresql://user:password@host:5432/database",
  ).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  SMTP_PORT: port(2525),
  // The TLS policy and CA file ride in the URL (relay-tls.ts): one place, checked at start-up.
  SMTP_RELAY_URL: z
    .string()
    .superRefine((value, ctx) => {
      const problem = relayUrlProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
  ROLES: roles,
  SMTP_TLS_KEY_FILE: z.string().min(1).optional(),
  SMTP_TLS_CERT_FILE: z.string().min(1).optional(),
  SMTP_MAX_SIZE_MB: z.coerce
    .number({ message: "must be a number of megabytes" })
    .positive({ message: "must be a positive number of megabytes" })
    .max(100, { message: "must be at most 100 (MB)" })
    .default(10),
  SMTP_MAX_CONNECTIONS: wholeNumber(1).optional(),
  SMTP_MAX_CONNECTIONS_PER_ACCOUNT: wholeNumber(0).default(50),
  SMTP_IDLE_TIMEOUT_SECONDS: wholeNumber(1).default(300),
  SMTP_SESSION_TIMEOUT_SECONDS: wholeNumber(1).default(600),
  SMTP_DATA_MEMORY_MB: wholeNumber(1).default(256),
  AUTO_BLOCK_BURST_PER_MINUTE: z.coerce
    .number({ message: "must be a whole number (0 turns the rule off)" })
    .int({ message: "must be a whole number (0 turns the rule off)" })
    .min(0, { message: "must be 0 or more" })
    .default(1000),
  AUTO_BLOCK_BOUNCE_RATIO: z.coerce
    .number({ message: "must be a share between 0 and 1 (0 turns the rule off)" })
    .min(0, { message: "must be a share between 0 and 1 (0 turns the rule off)" })
    .max(1, { message: "must be a share between 0 and 1 (0 turns the rule off)" })
    .default(0.5),
  SPAM_SCANNER_URL: urlWithProtocols(["http:"], "http://127.0.0.1:11333").optional(),
  SPAM_SCANNER_TIMEOUT_MS: z.coerce
    .number({ message: "must be a whole number of milliseconds between 100 and 60000" })
    .int({ message: "must be a whole number of milliseconds between 100 and 60000" })
    .min(100, { message: "must be a whole number of milliseconds between 100 and 60000" })
    .max(60_000, { message: "must be a whole number of milliseconds between 100 and 60000" })
    .default(3000),
  SPAM_BLOCK_PER_HOUR: z.coerce
    .number({ message: "must be a whole number (0 turns the rule off)" })
    .int({ message: "must be a whole number (0 turns the rule off)" })
    .min(0, { message: "must be 0 or more" })
    .default(10),
  DELIVERY_MAX_HOURS: z.coerce
    .number({ message: "must be a number of hours" })
    .positive({ message: "must be a positive number of hours" })
    .default(120),
  DELIVERY_LEASE_SECONDS: z.coerce
    .number({ message: "must be a whole number of seconds between 3 and 3600" })
    .int({ message: "must be a whole number of seconds between 3 and 3600" })
    .min(3, { message: "must be a whole number of seconds between 3 and 3600" })
    .max(3600, { message: "must be a whole number of seconds between 3 and 3600" })
    .default(30),
  RETENTION_DAYS: z.coerce
    .number({ message: "must be a number of days" })
    .positive({ message: "must be a positive number of days" })
    .default(7),
  SUPPRESSION_DAYS: z.coerce
    .number({ message: "must be a number of days (0 turns the suppression list off)" })
    .min(0, { message: "must be a number of days (0 turns the suppression list off)" })
    .max(3650, { message: "must be a number of days (0 turns the suppression list off)" })
    .default(30),
  MIGRATION_LOCK_WAIT_SECONDS: z.coerce
    .number({ message: "must be a whole number of seconds between 1 and 3600" })
    .int({ message: "must be a whole number of seconds between 1 and 3600" })
    .min(1, { message: "must be a whole number of seconds between 1 and 3600" })
    .max(3600, { message: "must be a whole number of seconds between 1 and 3600" })
    .default(60),
  COOKIE_SECURE: boolean(false),
  TRUST_PROXY: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter((item) => item !== ""))
    .refine((list) => list.every(isAddressOrNetwork), {
      message:
        "must be proxy addresses or CIDR networks separated by commas, e.g. 127.0.0.1,10.0.0.0/8",
    })
    .default([]),
  ALERT_WEBHOOK_ALLOW_NETWORKS: z
    .string()
    .transform((value) => value.split(/[\s,]+/).filter((item) => item !== ""))
    .refine(
      (list) => {
        try {
          parseWebhookNetworks(list);
          return true;
        } catch {
          return false;
        }
      },
      { message: "must be CIDR networks separated by commas, e.g. 127.0.0.0/8,::1/128" },
    )
    .default([]),
  METRICS_TOKEN: z
    .string()
    .min(16, {
      message: "must be at least 16 characters (a random secret, e.g. openssl rand -hex 32)",
    })
    .regex(/^\S+$/, { message: "must not contain spaces" })
    .optional(),
  METRICS_PORT: z.coerce
    .number({ message: "must be a port number" })
    .int({ message: "must be a whole port number" })
    .min(1, { message: "must be a port number between 1 and 65535" })
    .max(65535, { message: "must be a port number between 1 and 65535" })
    .optional(),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  REPORT_TIME: z
    .string()
    .refine(isReportTime, { message: "must be a time of day HH:MM (24-hour), e.g. 02:00" })
    .default("02:00"),
  REPORT_TIME_ZONE: z
    .string()
    .refine(isTimeZone, { message: "must be an IANA time zone, e.g. UTC or Europe/Lisbon" })
    .default("UTC"),
  REPORT_CATCH_UP_DAYS: z.coerce
    .number({ message: "must be a whole number of days between 1 and 31" })
    .int({ message: "must be a whole number of days between 1 and 31" })
    .min(1, { message: "must be a whole number of days between 1 and 31" })
    .max(31, { message: "must be a whole number of days between 1 and 31" })
    .default(3),
  PUBLIC_URL: urlWithProtocols(["http:", "https:"], "https://mail-panel.example.net").optional(),
  SYSTEM_MAIL_FROM: z
    .string()
    .regex(/^[^\s<>()",;:\\[\]@]+@[^\s<>()",;:\\[\]@]+$/, {
      message: "must be a bare e-mail address, e.g. scripts-email@hoster.example",
    })
    .default("scripts-email@localhost"),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(", ")}` })
    .default("info"),
  LOG_FORMAT: z
    .enum(LOG_FORMATS, { message: `must be one of ${LOG_FORMATS.join(", ")}` })
    .default("auto"),
});

export interface Config {
  port: number;
  host: string;
  /** Unset: the embedded database in `dataDir`. */
  databaseUrl: string | undefined;
  /** Absolute. */
  dataDir: string;
  smtpPort: number;
  /** Unset: outgoing mail is captured to files in `dataDir`. */
  smtpRelayUrl: string | undefined;
  /** PEM files; STARTTLS is offered only when both are set. */
  smtpTls: { keyFile: string; certFile: string } | undefined;
  smtpMaxSizeBytes: number;
  /** SMTP sessions at once; unset: 1,000, or fewer when `ulimit -n` is low (session-limits.ts). */
  smtpMaxConnections: number | undefined;
  /** Authenticated SMTP sessions of one hosting at once (0: no cap). */
  smtpMaxConnectionsPerAccount: number;
  smtpIdleTimeoutSeconds: number;
  /** Whole-session limit, however active the session. */
  smtpSessionTimeoutSeconds: number;
  /** Message data all SMTP sessions hold in memory; past it, data is spooled to DATA_DIR. */
  smtpDataMemoryBytes: number;
  /** Automatic protection: more messages than this in a minute blocks a hosting (0: off). */
  autoBlockBurstPerMinute: number;
  /** Automatic protection: this share of failed recipients in an hour blocks a hosting (0: off). */
  autoBlockBounceRatio: number;
  /**
   * rspamd's scanning worker, which judges the site's mail before it is relayed, and how long a
   * scan may take before the message goes out unscanned; unset: no scanning.
   */
  spamScanner: { url: string; timeoutMs: number } | undefined;
  /** Automatic protection: more spam than this in an hour blocks a hosting (0: off). */
  spamBlockPerHour: number;
  /** Deferred mail is retried this long after acceptance, then fails. */
  deliveryMaxHours: number;
  /** A delivery claim holds this long unless renewed (every third of it while in hand). */
  deliveryLeaseSeconds: number;
  /** Delivered content is removed after this many days (metadata stays). */
  retentionDays: number;
  /**
   * A recipient whose mail failed for good with a 5.1.x reply is refused at RCPT TO for this many
   * days (the hosting's suppression list); 0: nobody is added.
   */
  suppressionDays: number;
  /** Start-up waits this long for another process's migration, then fails. */
  migrationLockWaitSeconds: number;
  roles: RoleName[];
  cookieSecure: boolean;
  /** Reverse proxies whose X-Forwarded-For names the client (login throttling); empty: none. */
  trustProxy: string[];
  /** Internal networks (CIDR) alert webhooks may reach; public addresses only when empty. */
  alertWebhookAllowNetworks: string[];
  /** `/metrics` on the API's port needs `Authorization: Bearer` this; unset: not served there. */
  metricsToken: string | undefined;
  /** A listener serving only `/metrics`, whatever the roles; unset: none. */
  metricsPort: number | undefined;
  /** Where that listener listens: loopback, or anywhere only with a token (a container's). */
  metricsHost: string;
  /** The nightly error report: local time "HH:MM", IANA time zone, days caught up after downtime. */
  reportTime: string;
  reportTimeZone: string;
  reportCatchUpDays: number;
  /** The panel's address as users reach it (links in reports and alerts); no trailing slash. */
  publicUrl: string;
  /** Sender of the product's own mail (reports, alerts). */
  systemMailFrom: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses the settings once. Empty variables count as unset (as in most `.env` files). Throws
 * ConfigError naming every bad variable.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  cwd: string = process.cwd(),
): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key]?.trim();
    if (value) input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "configuration");
        const got = input[name];
        return `${name} ${issue.message}${got === undefined ? "" : ` (got ${JSON.stringify(redact(name, got))})`}`;
      }),
    );
  }
  const c = parsed.data;
  if (Boolean(c.SMTP_TLS_KEY_FILE) !== Boolean(c.SMTP_TLS_CERT_FILE)) {
    throw new ConfigError([
      "SMTP_TLS_KEY_FILE and SMTP_TLS_CERT_FILE must be set together (STARTTLS needs both)",
    ]);
  }
  if (!isLoopback(c.METRICS_HOST) && c.METRICS_TOKEN === undefined) {
    throw new ConfigError([
      `METRICS_HOST off loopback needs METRICS_TOKEN: the metrics name hostings and volumes (got ${JSON.stringify(c.METRICS_HOST)})`,
    ]);
  }
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    dataDir: path.resolve(cwd, c.DATA_DIR),
    smtpPort: c.SMTP_PORT,
    smtpRelayUrl: c.SMTP_RELAY_URL,
    smtpTls:
      c.SMTP_TLS_KEY_FILE && c.SMTP_TLS_CERT_FILE
        ? {
            keyFile: path.resolve(cwd, c.SMTP_TLS_KEY_FILE),
            certFile: path.resolve(cwd, c.SMTP_TLS_CERT_FILE),
          }
        : undefined,
    smtpMaxSizeBytes: Math.round(c.SMTP_MAX_SIZE_MB * 1024 * 1024),
    smtpMaxConnections: c.SMTP_MAX_CONNECTIONS,
    smtpMaxConnectionsPerAccount: c.SMTP_MAX_CONNECTIONS_PER_ACCOUNT,
    smtpIdleTimeoutSeconds: c.SMTP_IDLE_TIMEOUT_SECONDS,
    smtpSessionTimeoutSeconds: c.SMTP_SESSION_TIMEOUT_SECONDS,
    smtpDataMemoryBytes: c.SMTP_DATA_MEMORY_MB * 1024 * 1024,
    autoBlockBurstPerMinute: c.AUTO_BLOCK_BURST_PER_MINUTE,
    autoBlockBounceRatio: c.AUTO_BLOCK_BOUNCE_RATIO,
    spamScanner: c.SPAM_SCANNER_URL
      ? { url: c.SPAM_SCANNER_URL.replace(/\/+$/, ""), timeoutMs: c.SPAM_SCANNER_TIMEOUT_MS }
      : undefined,
    spamBlockPerHour: c.SPAM_BLOCK_PER_HOUR,
    deliveryMaxHours: c.DELIVERY_MAX_HOURS,
    deliveryLeaseSeconds: c.DELIVERY_LEASE_SECONDS,
    retentionDays: c.RETENTION_DAYS,
    suppressionDays: c.SUPPRESSION_DAYS,
    migrationLockWaitSeconds: c.MIGRATION_LOCK_WAIT_SECONDS,
    roles: c.ROLES,
    cookieSecure: c.COOKIE_SECURE,
    trustProxy: c.TRUST_PROXY,
    alertWebhookAllowNetworks: c.ALERT_WEBHOOK_ALLOW_NETWORKS,
    metricsToken: c.METRICS_TOKEN,
    metricsPort: c.METRICS_PORT,
    metricsHost: c.METRICS_HOST,
    reportTime: c.REPORT_TIME,
    reportTimeZone: c.REPORT_TIME_ZONE,
    reportCatchUpDays: c.REPORT_CATCH_UP_DAYS,
    publicUrl: (c.PUBLIC_URL ?? `http://127.0.0.1:${c.PORT}`).replace(/\/+$/, ""),
    systemMailFrom: c.SYSTEM_MAIL_FROM,
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
  };
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** URLs may carry passwords: never echo those back. */
function redact(name: string, value: string): string {
  if (name === "METRICS_TOKEN") return "***";
  if (name !== "DATABASE_URL" && name !== "SMTP_RELAY_URL") return value;
  return value.replace(/\/\/[^@/]*@/, "//***@");
}
