import type { EmailStatus, Me } from "@scripts-email/contracts";

export const customer: Me = {
  id: "u-1",
  email: "customer@example.org",
  role: "customer",
  locale: "en",
  csrfToken: "csrf-customer",
};

export const support: Me = {
  id: "u-2",
  email: "support@example.org",
  role: "support",
  locale: "en",
  csrfToken: "csrf-support",
};

export function emailStatus(overrides: Partial<EmailStatus> = {}): EmailStatus {
  return {
    state: "active",
    blockedBy: null,
    stateReason: null,
    stateChangedAt: "2025-01-10T09:00:00.000Z",
    reportRecipient: "reports@example.org",
    alertWebhookUrl: null,
    sent: 1234,
    sentToday: 12,
    acceptedToday: 15,
    refusedToday: 0,
    maxPerDay: 500,
    errors: 3,
    held: 0,
    queued: 1,
    nextExpiry: null,
    blockCause: null,
    // as the server answers the owner (a support or spam block says otherwise: give it)
    unblock:
      overrides.state === "blocked"
        ? { allowed: true, reason: null }
        : { allowed: false, reason: "not_blocked" },
    protection: {
      bounce: {
        ratio: 0,
        failed: 0,
        recipients: 0,
        threshold: 0.5,
        minFailures: 10,
        windowMinutes: 60,
      },
      burst: { count: 0, limit: 1000, windowSeconds: 60 },
      spam: { count: 0, limit: 10 },
      relaxedUntil: null,
      since: "2025-01-10T09:00:00.000Z",
    },
    spam: 0,
    spamChecking: true,
    heldScripts: [],
    alertsOff: [],
    ...overrides,
  };
}
