import { serviceName as serviceNameSchema } from "@scripts-email/contracts";
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import type { HostingRecord, HostingService } from "../services.ts";
import { randomToken, sha256, verifyGeneratedSecret } from "../shared/secrets.ts";
import { parseEmailAddress } from "../shared/validation.ts";
import type { UserRepository } from "../user/user-repository.ts";
import { loadVisibleHosting } from "./hosting-access.ts";
import type { HostingRepository, HostingRow } from "./hosting-repository.ts";

const LIST_LIMIT = 100;
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
  };
}

export function createHostingService(deps: {
  hostings: HostingRepository;
  users: UserRepository;
  clock: Clock;
}): HostingService {
  const { hostings, users, clock } = deps;
  return {
    async list(actor: Actor, q?: string) {
      const search = q?.trim() || undefined;
      const ownerId = actor.kind === "user" && actor.role === "customer" ? actor.userId : undefined;
      const rows = await hostings.list({ ownerId, q: search, limit: LIST_LIMIT });
      return {
        items: rows.map((row) => ({
          serviceName: row.serviceName,
          ownerEmail: row.owner.email,
          state: row.state,
          createdAt: row.createdAt.toISOString(),
        })),
      };
    },

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

    async verifySmtpPassword(serviceName: string, password: string) {
      const hosting = await hostings.findByServiceName(serviceName);
      const ok = await verifyGeneratedSecret(hosting?.smtpPasswordHash ?? null, password);
      return ok && hosting ? toHostingRecord(hosting) : null;
    },
  };
}
