-- Purged mail is no longer deleted at once: a purge (whole or by selection) marks it 'purged' and
-- drops its content, so that it stays listable; the retention job deletes it once its purge
-- ("updatedAt") is older than the retention period. That sweep reads this partial index, over
-- purged rows only. Like the other partial indexes (see partial_indexes_for_their_queries_only),
-- its predicate names the column its own query bounds, which the panel's list of purged mail
-- never mentions, so that the list keeps to its (hostingId, status, acceptedAt) index.
CREATE INDEX "Message_purged_idx" ON "Message" ("updatedAt")
  WHERE status = 'purged' AND "updatedAt" IS NOT NULL;
