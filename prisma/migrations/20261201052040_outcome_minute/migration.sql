-- CreateTable
CREATE TABLE "OutcomeMinute" (
    "hostingId" UUID NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "OutcomeMinute_pkey" PRIMARY KEY ("hostingId","minute")
);

-- CreateIndex
CREATE INDEX "OutcomeMinute_minute_idx" ON "OutcomeMinute"("minute");

-- AddForeignKey
ALTER TABLE "OutcomeMinute" ADD CONSTRAINT "OutcomeMinute_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- What the rollup must be, read from the events themselves: what recount_outcomes() writes and
-- what the tests and the chaos runs compare the kept rows with (outcomeMinuteDrift). Counts as
-- bounceCountsSql does: a failure of kind recipient, or of unknown kind, is a bounce.
CREATE VIEW "OutcomeMinuteOfEvents" AS
  SELECT "hostingId", date_trunc('minute', at, 'UTC') AS minute,
         count(*) FILTER (WHERE outcome = 'delivered')::int AS delivered,
         count(*) FILTER (WHERE outcome = 'failed'
                            AND ("failureKind" = 'recipient' OR "failureKind" IS NULL))::int AS bounced
    FROM "DeliveryEvent"
   WHERE "hostingId" IS NOT NULL AND outcome IN ('delivered', 'failed')
   GROUP BY 1, 2
  HAVING count(*) FILTER (WHERE outcome = 'delivered'
                            OR "failureKind" = 'recipient' OR "failureKind" IS NULL) > 0;

-- Rebuilds the rollup's minutes from `since` on from the events (for writers that bypass it:
-- test fixtures, the bench's bulk load). Takes a lock that waits for writers of events.
CREATE FUNCTION "recount_outcomes"(since timestamptz DEFAULT '-infinity') RETURNS void
LANGUAGE sql AS $$
  LOCK TABLE "DeliveryEvent" IN SHARE MODE;
  DELETE FROM "OutcomeMinute" WHERE minute >= date_trunc('minute', since, 'UTC');
  INSERT INTO "OutcomeMinute" ("hostingId", minute, delivered, bounced)
  SELECT "hostingId", minute, delivered, bounced FROM "OutcomeMinuteOfEvents"
   WHERE minute >= date_trunc('minute', since, 'UTC')
   ORDER BY 1, 2;
$$;

-- the events of the rollup's retention (48 hours, see ROLLUP_RETENTION_MS)
SELECT "recount_outcomes"(now() - interval '48 hours');
