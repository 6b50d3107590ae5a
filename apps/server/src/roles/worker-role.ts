import path from "node:path";
import {
  createDeliveryWorker,
  createFileCapture,
  createSmtpRelay,
  createSpamScanner,
} from "@scripts-email/mta";
import type { RoleContext, RunningRole } from "./role.ts";

/** The folder where mail goes when no SMTP_RELAY_URL is set. */
export function captureFolder(dataDir: string): string {
  return path.join(dataDir, "outbox");
}

/** Relays due mail to SMTP_RELAY_URL, or captures it as .eml files without one. */
export async function startWorkerRole({
  config,
  services,
  log,
  mta,
}: RoleContext): Promise<RunningRole> {
  const relay = config.smtpRelayUrl
    ? createSmtpRelay({ url: config.smtpRelayUrl })
    : createFileCapture(captureFolder(config.dataDir));
  log.info(
    relay.mode === "smtp"
      ? "relaying to SMTP_RELAY_URL"
      : `no SMTP_RELAY_URL, delivered mail is written to ${captureFolder(config.dataDir)}`,
  );
  const scanner = config.spamScanner ? createSpamScanner(config.spamScanner) : undefined;
  log.info(
    config.spamScanner
      ? `spam scanning with rspamd at ${config.spamScanner.url}: mail it would reject is held; ` +
          `without an answer within ${config.spamScanner.timeoutMs} ms mail goes out unscanned`
      : "no SPAM_SCANNER_URL: outgoing mail is not scanned for spam",
  );
  const worker = createDeliveryWorker(services.mail.delivery, relay, {
    metrics: mta,
    log,
    health: services.mail.health,
    ...(scanner ? { scanner } : {}),
  });
  log.info(
    `delivery claims last ${services.mail.delivery.leaseMs / 1000} s, renewed every ` +
      `${Math.round(services.mail.delivery.leaseMs / 3000)} s while the mail is in hand (DELIVERY_LEASE_SECONDS)`,
  );
  worker.start();
  return {
    name: "worker",
    async stop() {
      await worker.stop();
      await relay.close();
    },
  };
}
