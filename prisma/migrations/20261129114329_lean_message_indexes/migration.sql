-- Each message row was in seven indexes, and storing, claiming and recording a message each wrote
-- a new entry in all of them. Three were (status, …) indexes that serve one kind of row each:
-- they become partial indexes over those rows only (Prisma's schema cannot express them, so they
-- are written here by hand; prisma/schema.prisma says so where the indexes were).

-- The delivery worker's claims read Message_due_idx (queued and sending mail, by nextAttemptAt).
DROP INDEX "Message_status_nextAttemptAt_idx";

-- The expiry of held mail: held rows only, by expiresAt.
DROP INDEX "Message_status_expiresAt_idx";
CREATE INDEX "Message_held_expiry_idx" ON "Message" ("expiresAt") WHERE status = 'held';

-- The retention sweep: finished mail that still has its content, by sentAt.
DROP INDEX "Message_status_sentAt_idx";
CREATE INDEX "Message_content_kept_idx" ON "Message" ("sentAt")
  WHERE status IN ('sent', 'failed') AND raw IS NOT NULL;
