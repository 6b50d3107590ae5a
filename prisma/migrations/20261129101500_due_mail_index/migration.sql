-- The delivery worker's claim reads due mail in "nextAttemptAt" order across two statuses
-- (queued, and sending whose lease ran out). A partial index over exactly those rows lets it
-- read the first due rows in order instead of sorting every due row (Prisma's schema cannot
-- express a partial index, so it is written here by hand).
CREATE INDEX "Message_due_idx" ON "Message" ("nextAttemptAt") WHERE status IN ('queued', 'sending');
