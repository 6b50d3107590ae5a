-- The errors call lists a hosting's latest failures by (at DESC, id DESC). The index ended at
-- "at", so each call also sorted the failures sharing the last "at" read, and the planner could
-- prefer reading all of a big hosting's failures and sorting them (seen as a 46 ms median on the
-- bench's largest hosting). With "id" in the index the call reads 20 entries and stops.
-- DropIndex
DROP INDEX "DeliveryEvent_hostingId_outcome_at_idx";

-- CreateIndex
CREATE INDEX "DeliveryEvent_hostingId_outcome_at_id_idx" ON "DeliveryEvent"("hostingId", "outcome", "at" DESC, "id" DESC);

