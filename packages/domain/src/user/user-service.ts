import type { Locale, UserRole } from "@scripts-email/contracts";
import { isLocale } from "@scripts-email/i18n";
import type { Clock } from "../clock.ts";
import { DomainError } from "../errors.ts";
import { hashPassword } from "../shared/secrets.ts";
import { parseEmailAddress } from "../shared/validation.ts";
import type { UserIdentity, UserRepository } from "./user-repository.ts";

export interface UserRecord {
  id: string;
  email: string;
  role: UserRole;
  locale: Locale;
}

export interface UserService {
  /** Throws DomainError("already_exists") for a taken address. Password: at least 8 characters. */
  create(input: {
    email: string;
    password: string;
    role: UserRole;
    locale?: Locale;
  }): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | null>;
  count(): Promise<number>;
}

export const MIN_PASSWORD_LENGTH = 8;

export function toUserRecord(row: UserIdentity): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    locale: isLocale(row.locale) ? row.locale : "en",
  };
}

export function assertPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 1024) {
    throw new DomainError("validation_failed", { field: "password", min: MIN_PASSWORD_LENGTH });
  }
}

export function createUserService(deps: { users: UserRepository; clock: Clock }): UserService {
  const { users, clock } = deps;
  return {
    async create(input: { email: string; password: string; role: UserRole; locale?: Locale }) {
      const email = parseEmailAddress(input.email);
      assertPassword(input.password);
      if (input.role !== "customer" && input.role !== "support") {
        throw new DomainError("validation_failed", { field: "role" });
      }
      const locale = input.locale ?? "en";
      if (!isLocale(locale)) throw new DomainError("validation_failed", { field: "locale" });
      if (await users.findByEmail(email))
        throw new DomainError("already_exists", { field: "email" });
      const row = await users.create({
        email,
        passwordHash: await hashPassword(input.password),
        role: input.role,
        locale,
        createdAt: clock.now(),
      });
      return toUserRecord(row);
    },

    async findByEmail(email: string) {
      const row = await users.findByEmail(email.trim().toLowerCase());
      return row ? toUserRecord(row) : null;
    },

    count: () => users.count(),
  };
}
