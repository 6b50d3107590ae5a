import type { TestEmailResult } from "@scripts-email/contracts";
import { t } from "@scripts-email/i18n";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { randomToken } from "../shared/secrets.ts";
import type { IngestService } from "./ingest-service.ts";

/**
 * A test message from the panel, stored through the hosting's own ingest: it is held while the
 * hosting is blocked and counts against the daily limit like any other mail of the site.
 */
export function sendTestEmail(
  deps: { ingest: IngestService; clock: Clock },
  actor: Actor,
  hosting: { id: string; serviceName: string },
  to: string,
): Promise<TestEmailResult> {
  const locale = actor.kind === "user" ? actor.locale : "en";
  const from = `scripts-email@${hosting.serviceName}`;
  const subject = t(locale, "mail.test.subject", { serviceName: hosting.serviceName });
  const body = t(locale, "mail.test.body", { serviceName: hosting.serviceName });
  // `to` passed the contracts' address check (no CR/LF), so it cannot inject headers.
  const raw = [
    `From: Scripts-email <${from}>`,
    `To: <${to}>`,
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString("base64")}?=`,
    `Date: ${deps.clock.now().toUTCString()}`,
    `Message-ID: <${randomToken(12)}@${hosting.serviceName}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    body,
    "",
  ].join("\r\n");
  return deps.ingest.accept({
    hostingId: hosting.id,
    envelopeFrom: from,
    recipients: [to],
    raw: Buffer.from(raw, "utf8"),
    source: "panel",
  });
}
