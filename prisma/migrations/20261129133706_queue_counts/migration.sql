-- CreateTable
CREATE TABLE "QueueCount" (
    "hostingId" UUID NOT NULL,
    "held" INTEGER NOT NULL DEFAULT 0,
    "queued" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "QueueCount_pkey" PRIMARY KEY ("hostingId")
);

-- AddForeignKey
ALTER TABLE "QueueCount" ADD CONSTRAINT "QueueCount_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Each statement that inserts, updates or deletes messages adds, per hosting, what it changed in
-- held and queued mail (queued counts 'queued' and 'sending'), in one upsert per statement:
-- statement triggers see the statement's rows as transition tables, so a batch of 5,000 costs
-- one upsert, not 5,000. System mail (no hosting) counts nowhere. A hosting that is being
-- deleted is skipped (its messages go by cascade, and its row with them).
-- Rows are upserted in hostingId order, after whatever the statement itself locked: writers
-- that also touch DailyVolume take it first (in the same statement, or an earlier one of their
-- transaction), so every transaction locks day counters before queue counts, and each in
-- hostingId order, and two writers cannot wait for each other.
CREATE FUNCTION "queue_count_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  hosting_ids uuid[];
  held_deltas int[];
  queued_deltas int[];
BEGIN
  -- only the rows each kind of statement exposes differ: new rows count up, old rows count down
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(h), array_agg(held), array_agg(queued)
      INTO hosting_ids, held_deltas, queued_deltas FROM (
      SELECT "hostingId" AS h, count(*) FILTER (WHERE status = 'held')::int AS held,
             count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS queued
        FROM new_rows WHERE "hostingId" IS NOT NULL AND status IN ('held', 'queued', 'sending')
       GROUP BY "hostingId") d;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(h), array_agg(-held), array_agg(-queued)
      INTO hosting_ids, held_deltas, queued_deltas FROM (
      SELECT "hostingId" AS h, count(*) FILTER (WHERE status = 'held')::int AS held,
             count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS queued
        FROM old_rows WHERE "hostingId" IS NOT NULL AND status IN ('held', 'queued', 'sending')
       GROUP BY "hostingId") d;
  ELSE
    SELECT array_agg(h), array_agg(held), array_agg(queued)
      INTO hosting_ids, held_deltas, queued_deltas FROM (
      SELECT h, sum(held)::int AS held, sum(queued)::int AS queued FROM (
        SELECT "hostingId" AS h, (status = 'held')::int AS held,
               (status IN ('queued', 'sending'))::int AS queued
          FROM new_rows WHERE "hostingId" IS NOT NULL
        UNION ALL
        SELECT "hostingId", -(status = 'held')::int, -(status IN ('queued', 'sending'))::int
          FROM old_rows WHERE "hostingId" IS NOT NULL) c
       GROUP BY h HAVING sum(held) <> 0 OR sum(queued) <> 0) d;
  END IF;
  -- nothing moved in or out of the queue (a claim, a recorded deferral, content dropped)
  IF hosting_ids IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO "QueueCount" ("hostingId", held, queued)
  SELECT d.h, d.held, d.queued
    FROM unnest(hosting_ids, held_deltas, queued_deltas) AS d(h, held, queued)
   WHERE EXISTS (SELECT 1 FROM "Hosting" x WHERE x.id = d.h)
   ORDER BY d.h
  ON CONFLICT ("hostingId") DO UPDATE
     SET held = "QueueCount".held + EXCLUDED.held, queued = "QueueCount".queued + EXCLUDED.queued;
  RETURN NULL;
END $$;

CREATE TRIGGER "Message_queue_count_insert" AFTER INSERT ON "Message"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "queue_count_changed"();
CREATE TRIGGER "Message_queue_count_update" AFTER UPDATE ON "Message"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "queue_count_changed"();
CREATE TRIGGER "Message_queue_count_delete" AFTER DELETE ON "Message"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "queue_count_changed"();

-- What the counts must be, read from the messages themselves: what recount_queue() writes and
-- what the tests and the chaos runs compare the kept counts with.
CREATE VIEW "QueueCountOfMessages" AS
  SELECT "hostingId", count(*) FILTER (WHERE status = 'held')::int AS held,
         count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS queued
    FROM "Message" WHERE "hostingId" IS NOT NULL AND status IN ('held', 'queued', 'sending')
   GROUP BY "hostingId";

-- Rebuilds every hosting's counts from the messages (for writers that bypass triggers, such as
-- a bulk load under session_replication_role = replica). Takes a lock that waits for writers.
CREATE FUNCTION "recount_queue"() RETURNS void LANGUAGE sql AS $$
  LOCK TABLE "Message" IN SHARE MODE;
  DELETE FROM "QueueCount";
  INSERT INTO "QueueCount" ("hostingId", held, queued)
  SELECT "hostingId", held, queued FROM "QueueCountOfMessages";
$$;

SELECT "recount_queue"();
