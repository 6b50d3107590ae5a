import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const problemOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env, "/srv/app");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  it("has the documented defaults: embedded database, local-only, every role", () => {
    expect(loadConfig({}, "/srv/app")).toEqual({
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      dataDir: path.resolve("/srv/app", "data"),
      smtpPort: 2525,
      smtpRelayUrl: undefined,
      smtpTls: undefined,
      smtpMaxSizeBytes: 10 * 1024 * 1024,
      smtpMaxConnections: undefined,
      smtpMaxConnectionsPerAccount: 50,
      smtpIdleTimeoutSeconds: 300,
      smtpSessionTimeoutSeconds: 600,
      smtpDataMemoryBytes: 256 * 1024 * 1024,
      autoBlockBurstPerMinute: 1000,
      autoBlockBounceRatio: 0.5,
      spamScanner: undefined,
      spamBlockPerHour: 10,
      deliveryMaxHours: 120,
      deliveryLeaseSeconds: 30,
      retentionDays: 7,
      suppressionDays: 30,
      migrationLockWaitSeconds: 60,
      roles: ["api", "smtp", "worker", "scheduler"],
      cookieSecure: false,
      alertWebhookAllowNetworks: [],
      trustProxy: [],
      metricsToken: undefined,
      metricsPort: undefined,
      metricsHost: "127.0.0.1",
      reportTime: "02:00",
      reportTimeZone: "UTC",
      reportCatchUpDays: 3,
      publicUrl: "http://127.0.0.1:3000",
      systemMailFrom: "scripts-email@localhost",
      logLevel: "info",
      logFormat: "auto",
    });
  });

  it("reads every variable", () => {
    expect(
      loadConfig(
        {
          PORT: "8080",
          HOST: "0.0.0.0",
          DATABASE_URL: "postgresql://app:secret@db.internal:5432/mail",
          DATA_DIR: "/var/lib/scripts-email",
          SMTP_PORT: "587",
          SMTP_RELAY_URL: "smtps://relay:pw@relay.internal:465",
          ROLES: " worker , scheduler,worker",
          SMTP_TLS_KEY_FILE: "tls/key.pem",
          SMTP_TLS_CERT_FILE: "/etc/ssl/cert.pem",
          SMTP_MAX_SIZE_MB: "25",
          SMTP_MAX_CONNECTIONS: "300",
          SMTP_MAX_CONNECTIONS_PER_ACCOUNT: "0",
          SMTP_IDLE_TIMEOUT_SECONDS: "60",
          SMTP_SESSION_TIMEOUT_SECONDS: "120",
          SMTP_DATA_MEMORY_MB: "64",
          AUTO_BLOCK_BURST_PER_MINUTE: "0",
          AUTO_BLOCK_BOUNCE_RATIO: "0.25",
          SPAM_SCANNER_URL: "http://127.0.0.1:11333/",
          SPAM_SCANNER_TIMEOUT_MS: "1500",
          SPAM_BLOCK_PER_HOUR: "0",
          DELIVERY_MAX_HOURS: "48",
          DELIVERY_LEASE_SECONDS: "10",
          RETENTION_DAYS: "30",
          SUPPRESSION_DAYS: "14",
          MIGRATION_LOCK_WAIT_SECONDS: "15",
          COOKIE_SECURE: "true",
          ALERT_WEBHOOK_ALLOW_NETWORKS: "127.0.0.0/8, ::1/128",
          TRUST_PROXY: "127.0.0.1, 10.0.0.0/8,::1",
          METRICS_TOKEN: "0123456789abcdef0123",
          METRICS_PORT: "9464",
          REPORT_TIME: "06:30",
          REPORT_TIME_ZONE: "Europe/Lisbon",
          REPORT_CATCH_UP_DAYS: "7",
          PUBLIC_URL: "https://mail.hoster.example/",
          SYSTEM_MAIL_FROM: "noreply@hoster.example",
          LOG_LEVEL: "warn",
          LOG_FORMAT: "json",
          UNRELATED: "ignored",
        },
        "/srv/app",
      ),
    ).toEqual({
      port: 8080,
      host: "0.0.0.0",
      databaseUrl: "postgresql://app:secret@db.internal:5432/mail",
      dataDir: "/var/lib/scripts-email",
      smtpPort: 587,
      smtpRelayUrl: "smtps://relay:pw@relay.internal:465",
      smtpTls: { keyFile: "/srv/app/tls/key.pem", certFile: "/etc/ssl/cert.pem" },
      smtpMaxSizeBytes: 25 * 1024 * 1024,
      smtpMaxConnections: 300,
      smtpMaxConnectionsPerAccount: 0,
      smtpIdleTimeoutSeconds: 60,
      smtpSessionTimeoutSeconds: 120,
      smtpDataMemoryBytes: 64 * 1024 * 1024,
      autoBlockBurstPerMinute: 0,
      autoBlockBounceRatio: 0.25,
      spamScanner: { url: "http://127.0.0.1:11333", timeoutMs: 1500 },
      spamBlockPerHour: 0,
      deliveryMaxHours: 48,
      deliveryLeaseSeconds: 10,
      retentionDays: 30,
      suppressionDays: 14,
      migrationLockWaitSeconds: 15,
      roles: ["worker", "scheduler"],
      cookieSecure: true,
      alertWebhookAllowNetworks: ["127.0.0.0/8", "::1/128"],
      trustProxy: ["127.0.0.1", "10.0.0.0/8", "::1"],
      metricsToken: "0123456789abcdef0123",
      metricsPort: 9464,
      metricsHost: "127.0.0.1",
      reportTime: "06:30",
      reportTimeZone: "Europe/Lisbon",
      reportCatchUpDays: 7,
      publicUrl: "https://mail.hoster.example",
      systemMailFrom: "noreply@hoster.example",
      logLevel: "warn",
      logFormat: "json",
    });
  });

  it("links to the panel on the configured port when PUBLIC_URL is unset", () => {
    expect(loadConfig({ PORT: "8080" }, "/srv/app").publicUrl).toBe("http://127.0.0.1:8080");
  });

  it("treats empty variables as unset", () => {
    const config = loadConfig({ DATABASE_URL: "", PORT: " ", ROLES: "" }, "/srv/app");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.port).toBe(3000);
    expect(config.roles).toHaveLength(4);
  });

  it.each([
    [{ PORT: "http" }, /^Invalid configuration: PORT must be a port number \(got "http"\)$/],
    [{ PORT: "70000" }, /PORT must be a port number between 1 and 65535/],
    [{ PORT: "30.5" }, /PORT must be a whole port number/],
    [{ SMTP_PORT: "0" }, /SMTP_PORT must be a port number between 1 and 65535/],
    [{ DATABASE_URL: "mysql://x@y/z" }, /DATABASE_URL must be a URL like postgresql:\/\//],
    [{ SMTP_RELAY_URL: "relay.example.org" }, /SMTP_RELAY_URL must be a URL like smtp:\/\//],
    [
      { SMTP_RELAY_URL: "smtp://u:p@relay.example?tls=insecure" },
      /SMTP_RELAY_URL tls=insecure is not a TLS policy: use tls=required, tls=opportunistic or tls=none/,
    ],
    [
      { SMTP_RELAY_URL: "smtp://u:p@relay.example?tls=none" },
      /SMTP_RELAY_URL tls=none with credentials would send the relay password in clear/,
    ],
    [
      { SMTP_RELAY_URL: "smtp://relay.example?ca=/nonexistent/ca.pem" },
      /ca=\/nonexistent\/ca\.pem cannot be read/,
    ],
    [{ ROLES: "api,web" }, /ROLES must list roles among api, smtp, worker, scheduler/],
    [{ ROLES: " , " }, /ROLES must list roles among/],
    [{ COOKIE_SECURE: "maybe" }, /COOKIE_SECURE must be true or false/],
    [
      { ALERT_WEBHOOK_ALLOW_NETWORKS: "10.0.0.0/8,intranet" },
      /ALERT_WEBHOOK_ALLOW_NETWORKS must be CIDR/,
    ],
    [{ TRUST_PROXY: "true" }, /TRUST_PROXY must be proxy addresses or CIDR networks/],
    [{ TRUST_PROXY: "10.0.0.0/33" }, /TRUST_PROXY must be proxy addresses/],
    [{ LOG_LEVEL: "loud" }, /LOG_LEVEL must be one of fatal, error, warn, info/],
    [{ LOG_FORMAT: "text" }, /LOG_FORMAT must be one of auto, json, pretty/],
    [{ SMTP_MAX_SIZE_MB: "0" }, /SMTP_MAX_SIZE_MB must be a positive number of megabytes/],
    [{ SMTP_MAX_CONNECTIONS: "0" }, /SMTP_MAX_CONNECTIONS must be a whole number, at least 1/],
    [{ SMTP_IDLE_TIMEOUT_SECONDS: "2.5" }, /SMTP_IDLE_TIMEOUT_SECONDS must be a whole number/],
    [{ SMTP_DATA_MEMORY_MB: "-1" }, /SMTP_DATA_MEMORY_MB must be a whole number, at least 1/],
    [{ AUTO_BLOCK_BOUNCE_RATIO: "2" }, /AUTO_BLOCK_BOUNCE_RATIO must be a share between 0 and 1/],
    [{ AUTO_BLOCK_BURST_PER_MINUTE: "-1" }, /AUTO_BLOCK_BURST_PER_MINUTE must be 0 or more/],
    [{ SPAM_SCANNER_URL: "127.0.0.1:11333" }, /SPAM_SCANNER_URL must be a URL like http:/],
    [{ SPAM_SCANNER_TIMEOUT_MS: "50" }, /SPAM_SCANNER_TIMEOUT_MS must be a whole number of milli/],
    [{ SPAM_BLOCK_PER_HOUR: "-1" }, /SPAM_BLOCK_PER_HOUR must be 0 or more/],
    [{ REPORT_TIME: "2:00" }, /REPORT_TIME must be a time of day HH:MM \(24-hour\)/],
    [{ REPORT_TIME: "24:00" }, /REPORT_TIME must be a time of day HH:MM/],
    [{ REPORT_TIME_ZONE: "Mars/Olympus" }, /REPORT_TIME_ZONE must be an IANA time zone/],
    [
      { REPORT_CATCH_UP_DAYS: "0" },
      /REPORT_CATCH_UP_DAYS must be a whole number of days between 1 and 31/,
    ],
    [{ REPORT_CATCH_UP_DAYS: "1.5" }, /REPORT_CATCH_UP_DAYS must be a whole number of days/],
    [{ DELIVERY_LEASE_SECONDS: "1" }, /DELIVERY_LEASE_SECONDS must be a whole number of seconds/],
    [
      { MIGRATION_LOCK_WAIT_SECONDS: "0" },
      /MIGRATION_LOCK_WAIT_SECONDS must be a whole number of seconds between 1 and 3600/,
    ],
    [{ PUBLIC_URL: "mail.hoster.example" }, /PUBLIC_URL must be a URL like https:\/\//],
    [
      { SYSTEM_MAIL_FROM: "Reports <r@x.example>" },
      /SYSTEM_MAIL_FROM must be a bare e-mail address/,
    ],
    [
      { SMTP_TLS_KEY_FILE: "key.pem" },
      /SMTP_TLS_KEY_FILE and SMTP_TLS_CERT_FILE must be set together/,
    ],
  ])("names the bad variable: %o", (env, message) => {
    expect(problemOf(env)).toMatch(message);
  });

  it("reports every bad variable at once", () => {
    const message = problemOf({ PORT: "x", LOG_LEVEL: "y" });
    expect(message).toContain("PORT");
    expect(message).toContain("LOG_LEVEL");
  });

  it("refuses a short metrics token and never echoes it", () => {
    const message = problemOf({ METRICS_TOKEN: "hunter2", METRICS_PORT: "0" });
    expect(message).toMatch(/METRICS_TOKEN must be at least 16 characters/);
    expect(message).toMatch(/METRICS_PORT must be a port number between 1 and 65535/);
    expect(message).not.toContain("hunter2");
  });

  it("serves metrics off loopback (a container's METRICS_HOST) only behind a token", () => {
    expect(problemOf({ METRICS_HOST: "0.0.0.0", METRICS_PORT: "9464" })).toMatch(
      /METRICS_HOST off loopback needs METRICS_TOKEN/,
    );
    const config = loadConfig(
      { METRICS_HOST: "0.0.0.0", METRICS_PORT: "9464", METRICS_TOKEN: "0123456789abcdef0123" },
      "/srv/app",
    );
    expect(config.metricsHost).toBe("0.0.0.0");
    expect(loadConfig({ METRICS_HOST: "127.0.0.2" }, "/srv/app").metricsHost).toBe("127.0.0.2");
  });

  it("never echoes a password from a URL", () => {
    const message = problemOf({ SMTP_RELAY_URL: "http://user:hunter2@relay:25" });
    expect(message).toContain("SMTP_RELAY_URL");
    expect(message).not.toContain("hunter2");
  });
});
