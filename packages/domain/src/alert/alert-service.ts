import type { AlertKind } from "@scripts-email/db";
import { blockReasonText, isLocale, type Locale, type MessageKey, t } from "@scripts-email/i18n";
import { type Clock, HOUR } from "../clock.ts";
import type { Outbox } from "../outbox/outbox.ts";
import { panelUrl } from "../report/report-content.ts";
import type { Tx } from "../shared/base-repository.ts";
import type { Logger } from "../shared/logger.ts";
import type { AlertRepository, ClaimedWebhook } from "./alert-repository.ts";

export type { AlertKind };

export interface AlertOptions {
  timeZone: string;
  publicUrl: string;
  from: string;
  /** Webhook attempts before giving up. */
  webhookMaxAttempts: number;
  /** How long one webhook attempt may take; also its lease. */
  webhookTimeoutMs: number;
}

export interface RaiseAlert {
  kind: AlertKind;
  hostingId: string;
  /** What the alert is about (the block's time, the day…): one alert per hosting, kind and occasion. */
  occasion: string;
  details: Record<string, string | number | null>;
}

/** What the mail path and the hosting jobs call when something happens that the owner must know. */
export interface AlertSink {
  /**
   * Records the alert and queues its message in `tx` (or a transaction of its own): both happen,
   * or neither. Returns false when it was raised before.
   */
  raise(alert: RaiseAlert, tx?: Tx): Promise<boolean>;
}

export interface WebhookPayload {
  kind: string;
  serviceName: string;
  at: string;
  details: unknown;
  /** The owner's language, which `subject` and `text` are written in. */
  locale: Locale;
  /** The alert mail's subject and text, for a receiver that shows them to people. */
  subject: string;
  text: string;
}

/** Posts one alert; throws when it was not accepted (the attempt is retried later). */
export type WebhookSender = (
  url: string,
  payload: WebhookPayload,
  timeoutMs: number,
  /** The hosting's signing key; null for a webhook set before keys existed (sent unsigned). */
  secret: string | null,
) => Promise<void>;

export interface AlertService extends AlertSink {
  /** Tells blocked hostings whose held mail expires within 24 hours (once per block). */
  checkExpiringHeld(): Promise<number>;
  /** Posts due webhook alerts; failures are retried on later calls a bounded number of times. */
  deliverWebhooks(send: WebhookSender, limit?: number): Promise<number>;
}

const WEBHOOK_BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000, HOUR, 3 * HOUR];

/** Ends the text with a full stop unless it already ends a sentence. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function formatTime(at: Date, locale: Locale, timeZone: string): string {
  const tag = { en: "en-GB", pt: "pt-PT", fr: "fr-FR" }[locale];
  const text = new Intl.DateTimeFormat(tag, {
    dateStyle: "long",
    timeStyle: "short",
    timeZone,
  }).format(at);
  return `${text} (${timeZone})`;
}

export function createAlertService(deps: {
  repo: AlertRepository;
  /** Where the alert's message is queued, in the alert's own transaction. */
  outbox: Outbox;
  clock: Clock;
  options: AlertOptions;
  log?: Logger;
}): AlertService {
  const { repo, clock, options } = deps;

  function content(
    kind: AlertKind,
    locale: Locale,
    serviceName: string,
    details: RaiseAlert["details"],
  ) {
    const vars: Record<string, string | number> = { serviceName };
    for (const [key, value] of Object.entries(details)) {
      if (value !== null) vars[key] = value;
    }
    if (typeof details.at === "string") {
      vars.time = formatTime(new Date(details.at), locale, options.timeZone);
    }
    if (typeof details.until === "string") {
      vars.untilTime = formatTime(new Date(details.until), locale, options.timeZone);
    }
    if (kind === "auto_block" && typeof details.reason === "string") {
      // the protection's reason is stored in English: told in the owner's language
      vars.reason = asSentence(blockReasonText(details.reason, (key, p) => t(locale, key, p)));
    }
    const subject = t(locale, `mail.alert.${kind}.subject` as MessageKey, vars);
    const body = t(locale, `mail.alert.${kind}.body` as MessageKey, vars);
    const link = `${t(locale, "mail.report.panel")}: ${panelUrl(options.publicUrl, serviceName)}`;
    const footer = t(locale, "mail.alert.footer", vars);
    return { subject, body, link, text: [body, "", link, "", "-- ", footer, ""].join("\n") };
  }

  const localeOf = (tag: string): Locale => (isLocale(tag) ? tag : "en");

  /** What is posted: the alert's figures, and its mail's words in the owner's language now. */
  function payloadOf(w: ClaimedWebhook): WebhookPayload {
    const locale = localeOf(w.ownerLocale);
    const words = content(
      w.kind,
      locale,
      w.serviceName,
      (w.details ?? {}) as RaiseAlert["details"],
    );
    return {
      kind: w.kind,
      serviceName: w.serviceName,
      at: new Date(w.at).toISOString(),
      details: w.details,
      locale,
      subject: words.subject,
      text: `${words.body}\n\n${words.link}`,
    };
  }

  async function raiseIn(tx: Tx, alert: RaiseAlert): Promise<boolean> {
    const hosting = await repo.hosting(alert.hostingId, tx);
    // a kind the hosting turned off is neither recorded, mailed nor posted
    if (!hosting || hosting.alertsOff.includes(alert.kind)) return false;
    const at = clock.now();
    const recipient = hosting.reportRecipient ?? hosting.ownerEmail;
    const locale = localeOf(hosting.ownerLocale);
    const { subject, text } = content(alert.kind, locale, hosting.serviceName, alert.details);
    const id = await repo.insert(tx, {
      hostingId: hosting.id,
      kind: alert.kind,
      occasion: alert.occasion,
      at,
      recipient,
      details: alert.details,
      webhookUrl: hosting.alertWebhookUrl,
    });
    if (!id) return false;
    const message = await deps.outbox.send(
      { from: options.from, fromName: "Scripts-email", to: recipient, subject, text, date: at },
      tx,
    );
    await repo.setMessage(tx, id, message.id);
    return true;
  }

  return {
    raise(alert, tx) {
      return tx ? raiseIn(tx, alert) : repo.transaction((own) => raiseIn(own, alert));
    },

    async checkExpiringHeld() {
      const now = clock.now();
      const hostings = await repo.blockedExpiringBefore(new Date(now.getTime() + 24 * HOUR));
      let raised = 0;
      for (const h of hostings) {
        // one notice per block: the block's start names the occasion
        const occasion = h.stateChangedAt.toISOString();
        if (await repo.exists(h.id, "expiry_soon", occasion)) continue;
        const done = await repo.transaction((tx) =>
          raiseIn(tx, {
            kind: "expiry_soon",
            hostingId: h.id,
            occasion,
            details: { at: h.expiresAt.toISOString() },
          }),
        );
        if (done) raised++;
      }
      return raised;
    },

    async deliverWebhooks(send: WebhookSender, limit = 20) {
      const now = clock.now();
      const claimed = await repo.claimWebhooks(
        now,
        new Date(now.getTime() + options.webhookTimeoutMs + 60_000),
        limit,
      );
      let delivered = 0;
      for (const w of claimed) {
        try {
          await send(w.webhookUrl, payloadOf(w), options.webhookTimeoutMs, w.secret);
          await repo.webhookResult(w.id, w.lease, {
            status: "delivered",
            nextAt: null,
            error: null,
          });
          delivered++;
        } catch (error) {
          const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
          const last = w.webhookAttempts >= options.webhookMaxAttempts;
          deps.log?.warn(
            {
              alert: w.kind,
              hosting: w.serviceName,
              attempt: w.webhookAttempts,
              givingUp: last,
              error: message,
            },
            "alert webhook failed",
          );
          const delay =
            WEBHOOK_BACKOFF_MS[Math.min(w.webhookAttempts, WEBHOOK_BACKOFF_MS.length) - 1]!;
          await repo.webhookResult(w.id, w.lease, {
            status: last ? "failed" : "pending",
            nextAt: last ? null : new Date(clock.now().getTime() + delay),
            error: message,
          });
        }
      }
      return delivered;
    },
  };
}
