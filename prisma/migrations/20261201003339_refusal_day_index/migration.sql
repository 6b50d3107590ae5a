-- CreateIndex
CREATE INDEX "Refusal_day_idx" ON "Refusal"("day");

