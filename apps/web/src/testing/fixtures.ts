import type { EmailStatus, FleetSummary, HostingSummary, Me } from "@scripts-email/contracts";

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

/** A row of `GET /api/hostings`: an active hosting with no mail in the window. */
export function hostingSummary(overrides: Partial<HostingSummary> = {}): HostingSummary {
  return {
    serviceName: "example.org",
    ownerEmail: "customer@example.org",
    state: "active",
    cause: null,
    createdAt: "2025-01-01T10:00:00.000Z",
    stateChangedAt: "2025-01-01T10:00:00.000Z",
    stateChangedBy: null,
    window: "24h",
    ...overrides,
    counters: {
      accepted: 0,
      sent: 0,
      failed: 0,
      held: 0,
      spam: 0,
      refused: 0,
      bounceRatio: 0,
      ...overrides.counters,
    },
  };
}

const quietHealth = {
  configured: true,
  lastSuccessAt: "2025-01-10T09:59:00.000Z",
  lastFailureAt: null,
  lastError: null,
  successesLastHour: 12,
  failuresLastHour: 0,
};
const noMail = { accepted: 0, sent: 0, failed: 0, held: 0, spam: 0, refused: 0 };

/** `GET /api/fleet/summary` of a quiet fleet: `hostings` active ones, nothing queued. */
export function fleetSummary(overrides: Partial<FleetSummary> = {}): FleetSummary {
  return {
    at: "2025-01-10T10:00:00.000Z",
    hostings: {
      total: 3,
      byState: { active: 3, blocked: 0, purging: 0 },
      byCause: { customer: 0, support: 0, burst: 0, bounce: 0, spam: 0 },
    },
    lastHour: noMail,
    lastDay: noMail,
    queue: { queued: 0, held: 0, oldestQueuedAt: null, oldestQueuedAgeSeconds: null },
    relay: quietHealth,
    spamScanner: quietHealth,
    ...overrides,
  };
}
