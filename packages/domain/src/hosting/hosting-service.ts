import {
  type DailyLimit,
  type HostingList,
  type HostingListQuery,
  type SenderDomains,
  type SendingSettings,
  serviceName as serviceNameSchema,
} from "@scripts-email/contracts";
import { type Actor, actorRoleOf } from "../actor.ts";
import type { InternalAuditService } from "../audit/audit-service.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { fleetList } from "../fleet/fleet-list.ts";
import type { FleetListRepository } from "../fleet/fleet-list-repository.ts";
import { randomToken, sha256, verifyGeneratedSecret } from "../shared/secrets.ts";
import { parseEmailAddress, parseReason } from "../shared/validation.ts";
import type { UserRepository } from "../user/user-repository.ts";
import { setDailyLimit } from "./daily-limit.ts";
import { loadVisibleHosting } from "./hosting-access.ts";
import type { HostingRepository, HostingRow } from "./hosting-repository.ts";
import {
  applySenderDomainChanges,
  MAX_SENDER_DOMAINS,
  normalizeSenderDomain,
} from "./sender-domains.ts";
import { buildSendingSettings, type SendingEndpoint } from "./sending-settings.ts";

export interface HostingRecord {
  id: string;
  serviceName: string;
  ownerId: string;
  ownerEmail: string;
  state: "active" | "blocked" | "purging";
  reportRecipient: string | null;
  alertWebhookUrl: string | null;
  maxPerDay: number;
  /** Extra sender domains added by support (the service name is always allowed). */
  senderDomains: string[];
}

export interface HostingService {
  /**
   * A customer's own hostings; support sees all (the fleet view): `q` matches service name or
   * owner e-mail, filtered by state and cause, sorted by the window's counters (fleet-list.ts).
   */
  list(actor: Actor, query?: Partial<HostingListQuery>): Promise<HostingList>;
  /** Throws DomainError("not_found") when the hosting does not exist or the actor may not see it. */
  get(actor: Actor, serviceName: string): Promise<HostingRecord>;
  create(input: {
    serviceName: string;
    ownerEmail: string;
    reportRecipient?: string | null;
    maxPerDay?: number;
  }): Promise<HostingRecord>;
  /** Sets a new random SMTP password (stored hashed) and returns it. */
  resetSmtpPassword(serviceName: string): Promise<string>;
  /**
   * The owner's or support's reset (support gives a reason, DomainError("reason_required")
   * otherwise); others' hostings are not_found. Audited (`hosting.smtp_password`, never the
   * password). Returns the new password, which the caller shows once.
   */
  changeSmtpPassword(actor: Actor, serviceName: string, reason?: string): Promise<string>;
  /** Ready-made settings for PHP's sendmail_path, msmtp and an SMTP client; never a password. */
  sendingSettings(
    actor: Actor,
    serviceName: string,
    endpoint: SendingEndpoint,
  ): Promise<SendingSettings>;
  verifySmtpPassword(serviceName: string, password: string): Promise<HostingRecord | null>;
  /**
   * Support (with a reason) and the system only: the hosting's daily limit, 0..1,000,000,
   * audited with from and to (see daily-limit.ts).
   */
  setDailyLimit(
    actor: Actor,
    serviceName: string,
    limit: number,
    reason: string | undefined,
  ): Promise<DailyLimit>;
  /** The extra sender domains, for whoever may see the hosting (else DomainError("not_found")). */
  senderDomains(actor: Actor, serviceName: string): Promise<SenderDomains>;
  /**
   * Support (with a reason) and the system only: a customer gets DomainError("forbidden") on its
   * own hosting, "not_found" on others'. Each domain is normalised (lower case, IDNA) or refused
   * with "validation_failed"; every change is audited.
   */
  changeSenderDomains(
    actor: Actor,
    serviceName: string,
    change: { add?: string[]; remove?: string[]; reason?: string },
  ): Promise<SenderDomains>;
}

const DEFAULT_MAX_PER_DAY = 1000;
/** 24 random bytes: a 32-character SMTP password. */
const SMTP_PASSWORD_BYTES = 24;

export function toHostingRecord(row: HostingRow): HostingRecord {
  return {
    id: row.id,
    serviceName: row.serviceName,
    ownerId: row.ownerId,
    ownerEmail: row.owner.email,
    state: row.state,
    reportRecipient: row.reportRecipient,
    alertWebhookUrl: row.alertWebhookUrl,
    maxPerDay: row.maxPerDay,
    senderDomains: row.senderDomains ?? [],
  };
}

function parseSenderDomains(values: string[] | undefined): string[] {
  return (values ?? []).map((value) => {
    const domain = normalizeSenderDomain(value);
    if (domain === null) throw new DomainError("validation_failed", { field: "domain" });
    return domain;
  });
}

export function createHostingService(deps: {
  hostings: HostingRepository;
  fleet: FleetListRepository;
  users: UserRepository;
  audit: InternalAuditService;
  clock: Clock;
}): HostingService {
  const { hostings, fleet, users, audit, clock } = deps;
  return {
    list: (actor, query = {}) => fleetList({ fleet, clock }, actor, query),

    async get(actor: Actor, serviceName: string) {
      return toHostingRecord(await loadVisibleHosting(hostings, actor, serviceName));
    },

    async create(input) {
      const name = serviceNameSchema.safeParse(input.serviceName.trim().toLowerCase());
      if (!name.success) throw new DomainError("validation_failed", { field: "serviceName" });
      const owner = await users.findByEmail(input.ownerEmail.trim().toLowerCase());
      if (!owner) throw new DomainError("not_found", { field: "owner" });
      const reportRecipient = input.reportRecipient
        ? parseEmailAddress(input.reportRecipient)
        : null;
      const maxPerDay = input.maxPerDay ?? DEFAULT_MAX_PER_DAY;
      if (!Number.isInteger(maxPerDay) || maxPerDay < 0) {
        throw new DomainError("validation_failed", { field: "maxPerDay" });
      }
      if (await hostings.findByServiceName(name.data)) {
        throw new DomainError("already_exists", { field: "serviceName" });
      }
      const row = await hostings.create({
        serviceName: name.data,
        ownerId: owner.id,
        reportRecipient,
        maxPerDay,
        at: clock.now(),
      });
      return toHostingRecord(row);
    },

    async resetSmtpPassword(serviceName: string) {
      const hosting = await hostings.findByServiceName(serviceName);
      if (!hosting) throw new DomainError("not_found");
      const password = randomToken(SMTP_PASSWORD_BYTES);
      await hostings.setSmtpPasswordHash(hosting.id, sha256(password));
      return password;
    },

    async changeSmtpPassword(actor, serviceName, reasonText) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      const reason = parseReason(reasonText);
      if (actorRoleOf(actor) === "support" && !reason) throw new DomainError("reason_required");
      const password = randomToken(SMTP_PASSWORD_BYTES);
      await hostings.transaction(async (tx) => {
        await hostings.setSmtpPasswordHash(hosting.id, sha256(password), tx);
        await audit.record(
          { actor, action: "hosting.smtp_password", hostingId: hosting.id, reason },
          tx,
        );
      });
      return password;
    },

    async sendingSettings(actor, serviceName, endpoint) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      return buildSendingSettings(hosting.serviceName, endpoint);
    },

    async verifySmtpPassword(serviceName: string, password: string) {
      const hosting = await hostings.findByServiceName(serviceName);
      const ok = await verifyGeneratedSecret(hosting?.smtpPasswordHash ?? null, password);
      return ok && hosting ? toHostingRecord(hosting) : null;
    },

    setDailyLimit: (actor, serviceName, limit, reason) =>
      setDailyLimit({ hostings, audit }, actor, serviceName, limit, reason),

    async senderDomains(actor, serviceName) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      return { serviceName: hosting.serviceName, domains: hosting.senderDomains ?? [] };
    },

    async changeSenderDomains(actor, serviceName, change) {
      const hosting = await loadVisibleHosting(hostings, actor, serviceName);
      // a customer choosing its own sender domains would defeat the rule: support checks ownership
      if (actorRoleOf(actor) === "customer") throw new DomainError("forbidden");
      const reason = parseReason(change.reason);
      if (actorRoleOf(actor) === "support" && !reason) throw new DomainError("reason_required");
      const add = parseSenderDomains(change.add);
      const remove = parseSenderDomains(change.remove);
      const domains = await hostings.transaction(async (tx) => {
        const current = await hostings.lockSenderDomains(hosting.id, tx);
        if (current === null) throw new DomainError("not_found");
        const next = applySenderDomainChanges(current, add, remove);
        if (next.length > MAX_SENDER_DOMAINS) {
          throw new DomainError("validation_failed", { field: "domain" });
        }
        const added = next.filter((d) => !current.includes(d));
        const removed = current.filter((d) => !next.includes(d));
        if (added.length === 0 && removed.length === 0) return current;
        await hostings.setSenderDomains(hosting.id, next, tx);
        await audit.record(
          {
            actor,
            action: "hosting.sender_domains",
            hostingId: hosting.id,
            reason,
            details: { added, removed, domains: next },
          },
          tx,
        );
        return next;
      });
      return { serviceName: hosting.serviceName, domains };
    },
  };
}
