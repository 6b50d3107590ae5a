import { Prisma, type User } from "@scripts-email/db";
import { DomainError } from "../errors.ts";
import { BaseRepository } from "../shared/base-repository.ts";

export type UserRow = User;

/** Who a user is, without the password hash: what a request's actor is made of. */
export type UserIdentity = Pick<User, "id" | "email" | "role" | "locale">;

export class UserRepository extends BaseRepository {
  findByEmail(email: string): Promise<UserRow | null> {
    return this.db.user.findUnique({ where: { email } });
  }

  findById(id: string): Promise<UserRow | null> {
    return this.db.user.findUnique({ where: { id } });
  }

  async emailsById(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.query<{ id: string; email: string }>(
      `SELECT id::text AS id, email FROM "User" WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.email]));
  }

  async create(data: {
    email: string;
    passwordHash: string;
    role: "customer" | "support";
    locale: string;
    createdAt: Date;
  }): Promise<UserRow> {
    try {
      return await this.db.user.create({ data });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
        throw new DomainError("already_exists", { field: "email" });
      }
      throw error;
    }
  }

  count(): Promise<number> {
    return this.db.user.count();
  }
}
