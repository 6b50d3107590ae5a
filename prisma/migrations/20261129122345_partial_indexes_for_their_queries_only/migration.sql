-- The planner may use a partial index for any query whose conditions imply its predicate. The
-- panel's counters ("hostingId" = … AND status IN ('queued', 'sending'), and status = 'held')
-- imply those of Message_due_idx and Message_held_expiry_idx, and with stale statistics it chose
-- them, reading every due (or held) message of every hosting to count one hosting's: 4.4 s for
-- a purge request after a million messages were held. Each predicate now also names the column
-- its own query bounds (the claim's "nextAttemptAt" <= …, the expiry's "expiresAt" <= …), which
-- the panel's queries never mention, so only their own queries can use them.
DROP INDEX "Message_due_idx";
CREATE INDEX "Message_due_idx" ON "Message" ("nextAttemptAt")
  WHERE status IN ('queued', 'sending') AND "nextAttemptAt" IS NOT NULL;

DROP INDEX "Message_held_expiry_idx";
CREATE INDEX "Message_held_expiry_idx" ON "Message" ("expiresAt")
  WHERE status = 'held' AND "expiresAt" IS NOT NULL;
