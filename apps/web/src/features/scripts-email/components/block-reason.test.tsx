// @vitest-environment jsdom
import type { UserRole } from "@scripts-email/contracts";
import { t as translate } from "@scripts-email/i18n";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Locale } from "../../../lib/i18n.tsx";
import { emailStatus } from "../../../testing/fixtures.ts";
import { mockFetch, renderWithProviders } from "../../../testing/render.tsx";
import { blockReasonText, parseAutomaticReason } from "./block-reason.ts";
import { StateSummary } from "./state-summary.tsx";
import { StateTimeline } from "./state-timeline.tsx";

// the reasons exactly as the protection stores them (spam-rule.ts, ingest-after-commit.ts, protection.ts)
const customer: UserRole = "customer";
const SPAM = "spam: more than 2 messages flagged as spam in 60 min";
const BURST = "burst: more than 1000 messages in 60 s";
const BOUNCES = "bounces: 45% of 100 recipients failed in 60 min (limit 30%)";

const text = (locale: Locale, reason: string) =>
  blockReasonText(reason, (key, params) => translate(locale, key, params)).replace(/\s/g, " ");

describe("automatic block reasons", () => {
  it("reads the protection's three stored reasons, and nothing else", () => {
    expect(parseAutomaticReason(SPAM)).toEqual({ rule: "spam", limit: 2, minutes: 60 });
    expect(parseAutomaticReason(BURST)).toEqual({ rule: "burst", limit: 1000, seconds: 60 });
    expect(parseAutomaticReason(BOUNCES)).toEqual({
      rule: "bounces",
      share: 45,
      recipients: 100,
      minutes: 60,
      limit: 30,
    });
    expect(parseAutomaticReason("spam: complaints from our relay")).toBeNull();
    expect(parseAutomaticReason("Customer asked")).toBeNull();
  });

  it("words them in English", () => {
    expect(text("en", SPAM)).toBe("More than 2 messages flagged as spam within 60 minutes.");
    expect(text("en", BURST)).toBe("More than 1,000 messages within 60 seconds.");
    expect(text("en", BOUNCES)).toBe(
      "45% of 100 recipients failed within 60 minutes (the limit is 30%).",
    );
    expect(text("en", "spam: more than 1 messages flagged as spam in 1 min")).toBe(
      "More than 1 message flagged as spam within 1 minute.",
    );
  });

  it("words them in Portuguese", () => {
    expect(text("pt", SPAM)).toBe("Mais de 2 mensagens marcadas como spam em 60 minutos.");
    expect(text("pt", BURST)).toBe("Mais de 1000 mensagens em 60 segundos.");
    expect(text("pt", BOUNCES)).toBe(
      "45% dos 100 destinatários falharam em 60 minutos (o limite é 30%).",
    );
  });

  it("words them in French", () => {
    expect(text("fr", SPAM)).toBe("Plus de 2 messages signalés comme spam en 60 minutes.");
    expect(text("fr", BURST)).toBe("Plus de 1 000 messages en 60 secondes.");
    expect(text("fr", BOUNCES)).toBe(
      "45 % des 100 destinataires ont échoué en 60 minutes (la limite est de 30 %).",
    );
    expect(text("fr", "burst: more than 1 messages in 1 s")).toBe(
      "Plus de 1 message en 1 seconde.",
    );
  });

  it("keeps a person's reason as written", () => {
    expect(text("fr", "Plaintes reçues du relais")).toBe("Plaintes reçues du relais");
  });
});

describe("the state card's reason", () => {
  it("words an automatic block from its cause and the gauge, in the page's language", () => {
    const status = emailStatus({
      state: "blocked",
      blockedBy: "system",
      blockCause: "burst",
      stateReason: BURST,
    });
    renderWithProviders(<StateSummary role={customer} status={status} />, { locale: "fr" });
    const reason = screen.getByText("Motif").nextElementSibling?.textContent;
    expect(reason?.replace(/\s/g, " ")).toBe("Plus de 1 000 messages en 60 secondes.");
    expect(screen.queryByText(BURST)).toBeNull();
  });

  it("words a bounce block by its rule in Portuguese", () => {
    const status = emailStatus({
      state: "blocked",
      blockedBy: "system",
      blockCause: "bounce",
      stateReason: BOUNCES,
    });
    renderWithProviders(<StateSummary role={customer} status={status} />, { locale: "pt" });
    expect(screen.getByText("Motivo").nextElementSibling?.textContent).toBe(
      "Mais de 50% dos destinatários falharam em 60 minutos.",
    );
  });

  it("shows support's reason as written", () => {
    const status = emailStatus({
      state: "blocked",
      blockedBy: "support",
      blockCause: "support",
      stateReason: "Phishing kit found",
    });
    renderWithProviders(<StateSummary role={customer} status={status} />, { locale: "fr" });
    expect(screen.getByText("Motif").nextElementSibling?.textContent).toBe("Phishing kit found");
  });
});

describe("the history's reasons", () => {
  it("words the protection's entries in the page's language, and people's as written", async () => {
    const change = { from: "active", to: "blocked", at: "2025-01-10T09:00:00.000Z" } as const;
    mockFetch({
      "GET /api/hostings/example.org/email/history": {
        body: [
          {
            ...change,
            id: "0190a0b0-0000-7000-8000-000000000002",
            actorRole: "system",
            actorEmail: null,
            reason: SPAM,
          },
          {
            ...change,
            id: "0190a0b0-0000-7000-8000-000000000001",
            at: "2025-01-09T09:00:00.000Z",
            actorRole: "customer",
            actorEmail: null,
            reason: "spam: my test",
          },
        ],
      },
    });
    renderWithProviders(<StateTimeline serviceName="example.org" role={customer} />, {
      locale: "pt",
    });
    expect(
      await screen.findByText("Motivo: Mais de 2 mensagens marcadas como spam em 60 minutos."),
    ).toBeTruthy();
    expect(screen.getByText("Motivo: spam: my test")).toBeTruthy();
  });
});
