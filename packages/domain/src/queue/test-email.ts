import type { TestEmailResult } from "@scripts-email/contracts";
import { t } from "@scripts-email/i18n";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { buildSystemMail } from "../shared/system-mail.ts";
import type { IngestService } from "./ingest-service.ts";

/**
 * A test message from the panel, composed like the product's own mail but stored through the
 * hosting's own ingest, not the outbox: it is held while the hosting is blocked and counts
 * against the daily limit like any other mail of the site, which is what it tests.
 */
export async function sendTestEmail(
  deps: { ingest: Pick<IngestService, "accept">; clock: Clock },
  actor: Actor,
  hosting: { id: string; serviceName: string },
  to: string,
): Promise<TestEmailResult> {
  const locale = actor.kind === "user" ? actor.locale : "en";
  const from = `scripts-email@${hosting.serviceName}`;
  // `to` passed the contracts' address check; buildSystemMail refuses anything but an address.
  const raw = await buildSystemMail({
    from,
    fromName: "Scripts-email",
    to,
    subject: t(locale, "mail.test.subject", { serviceName: hosting.serviceName }),
    text: t(locale, "mail.test.body", { serviceName: hosting.serviceName }),
    date: deps.clock.now(),
    // a person asked for it
    autoSubmitted: false,
  });
  return deps.ingest.accept({
    hostingId: hosting.id,
    envelopeFrom: from,
    recipients: [to],
    raw,
    source: "panel",
  });
}
