import { uuidV7 } from "../queue/uuid-v7.ts";
import { BaseRepository, type Tx } from "../shared/base-repository.ts";

export interface NoteRow {
  id: string;
  body: string;
  createdAt: Date;
  authorId: string | null;
  /** Null when the author's account is gone (or the system wrote it). */
  authorEmail: string | null;
}

/** The `HostingNote` table: support's internal notes, read by (hostingId, createdAt DESC). */
export class NoteRepository extends BaseRepository {
  /** The hosting's newest `limit` notes, newest first, with their author's address. */
  async list(hostingId: string, limit: number): Promise<NoteRow[]> {
    return this.sql.query<NoteRow>(
      `SELECT n.id::text AS id, n.body, n."createdAt", n."authorId"::text AS "authorId",
              u.email AS "authorEmail"
         FROM "HostingNote" n LEFT JOIN "User" u ON u.id = n."authorId"
        WHERE n."hostingId" = $1::uuid
        ORDER BY n."createdAt" DESC, n.id DESC
        LIMIT $2::int`,
      [hostingId, limit],
    );
  }

  async add(
    note: { hostingId: string; authorId: string | null; body: string; createdAt: Date },
    tx?: Tx,
  ): Promise<string> {
    const id = uuidV7();
    await this.sqlIn(tx).query(
      `INSERT INTO "HostingNote" (id, "hostingId", "authorId", body, "createdAt")
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::timestamptz)`,
      [id, note.hostingId, note.authorId, note.body, note.createdAt.toISOString()],
    );
    return id;
  }

  /** Deletes the hosting's note; null when it has no such note. */
  async remove(
    hostingId: string,
    noteId: string,
    tx?: Tx,
  ): Promise<{ body: string; authorId: string | null; createdAt: Date } | null> {
    const rows = await this.sqlIn(tx).query<{
      body: string;
      authorId: string | null;
      createdAt: Date;
    }>(
      `DELETE FROM "HostingNote" WHERE id = $1::uuid AND "hostingId" = $2::uuid
       RETURNING body, "authorId"::text AS "authorId", "createdAt"`,
      [noteId, hostingId],
    );
    return rows[0] ?? null;
  }
}
