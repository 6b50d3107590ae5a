import type { AlertSink } from "../alert/alert-service.ts";
import { HOUR, systemClock } from "../clock.ts";
import type { Services, ServicesOptions } from "../services.ts";
import type { Logger } from "../shared/logger.ts";
import { DeliveryRepository } from "./delivery-repository.ts";
import { DeliveryService } from "./delivery-service.ts";
import { IngestRepository } from "./ingest-repository.ts";
import { type BurstRule, IngestService } from "./ingest-service.ts";
import { type BounceRule, Protection } from "./protection.ts";
import { ProtectionRepository } from "./protection-repository.ts";

export type { DeliveryJob, RecipientResult } from "./delivery-service.ts";
export { backoffMs, DeliveryService } from "./delivery-service.ts";
export { isUnstorableMessage } from "./ingest-failure.ts";
export type { AcceptedMessage, IncomingMessage, SystemMessage } from "./ingest-service.ts";
export { IngestService } from "./ingest-service.ts";
export { queueCountDrift } from "./queue-count.ts";
export { summarizeHeaders } from "./raw-message.ts";
export { uuidV7 } from "./uuid-v7.ts";
export type { BounceRule, BurstRule };

export interface MailPathOptions {
  holdMs?: number;
  leaseMs?: number;
  maxLifetimeMs?: number;
  retentionMs?: number;
  burst?: BurstRule;
  bounce?: BounceRule;
}

export const MAIL_PATH_DEFAULTS = {
  holdMs: 72 * HOUR,
  // Short, because the worker renews it while the mail is in hand: a crashed worker's claims
  // come back within this long (Postfix requeues its active queue at start).
  leaseMs: 30_000,
  maxLifetimeMs: 5 * 24 * HOUR,
  retentionMs: 7 * 24 * HOUR,
  burst: { limit: 1000, windowMs: 60_000 },
  bounce: { ratio: 0.5, minFailures: 20, windowMs: HOUR },
} satisfies Required<MailPathOptions>;

export interface MailPath {
  ingest: IngestService;
  delivery: DeliveryService;
  protection: Protection;
}

/** The mail path's services (ingest, delivery, automatic protection) over the same database. */
export function createMailPath(
  options: Pick<ServicesOptions, "db" | "clock"> & MailPathOptions,
  services: Pick<Services, "email"> & {
    alertSink?: AlertSink;
    /** Where failures that change no answer are reported (checks after a commit). */
    log?: Logger;
  },
): MailPath {
  const clock = options.clock ?? systemClock;
  const o = { ...MAIL_PATH_DEFAULTS, ...options };
  const protection = new Protection(
    new ProtectionRepository(options.db),
    services.email,
    clock,
    o.bounce,
  );
  return {
    protection,
    ingest: new IngestService(new IngestRepository(options.db), clock, {
      holdMs: o.holdMs,
      burst: o.burst,
      onBurst: (hostingId, reason) => protection.block(hostingId, reason),
      ...(services.log ? { log: services.log } : {}),
      ...(services.alertSink
        ? {
            onDailyLimitNear: async (
              hostingId: string,
              day: Date,
              f: { used: number; limit: number },
            ) => {
              await services.alertSink?.raise({
                kind: "daily_limit",
                hostingId,
                occasion: day.toISOString().slice(0, 10),
                details: {
                  used: f.used,
                  limit: f.limit,
                  percent: Math.floor((100 * f.used) / f.limit),
                },
              });
            },
          }
        : {}),
    }),
    delivery: new DeliveryService(new DeliveryRepository(options.db), clock, {
      leaseMs: o.leaseMs,
      maxLifetimeMs: o.maxLifetimeMs,
      retentionMs: o.retentionMs,
      onFailures: (ids) => protection.checkBounces(ids),
      ...(services.log ? { log: services.log } : {}),
    }),
  };
}
