-- CreateEnum
CREATE TYPE "BlockCause" AS ENUM ('customer', 'support', 'burst', 'bounce', 'spam');

-- CreateEnum
CREATE TYPE "SelectionAction" AS ENUM ('release', 'delete');

-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('running', 'finished', 'failed');

-- AlterTable
ALTER TABLE "Hosting" ADD COLUMN     "blockCause" "BlockCause",
ADD COLUMN     "bounceRelaxedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "heldScripts" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "released" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "scannedAt" TIMESTAMPTZ(3),
ADD COLUMN     "script" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "spam" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "spamAction" TEXT,
ADD COLUMN     "spamScore" DOUBLE PRECISION,
ADD COLUMN     "spamSymbols" JSONB;

-- Existing mail gets its script as the ingest now computes it (messages.script in the domain):
-- X-PHP-Originating-Script without its "uid:" prefix, else the submission kind.
UPDATE "Message"
   SET script = COALESCE(NULLIF(regexp_replace("originatingScript", '^[0-9]+:', ''), ''), source::text);

-- Blocks made before causes existed: by who made them, and the protection's by its reason.
UPDATE "Hosting"
   SET "blockCause" = CASE
         WHEN "blockedByRole" = 'customer' THEN 'customer'::"BlockCause"
         WHEN "blockedByRole" = 'support' THEN 'support'::"BlockCause"
         WHEN "stateReason" LIKE 'bounces:%' THEN 'bounce'::"BlockCause"
         ELSE 'burst'::"BlockCause" END
 WHERE state <> 'active';

-- CreateTable
CREATE TABLE "SelectionJob" (
    "id" UUID NOT NULL,
    "hostingId" UUID NOT NULL,
    "actorId" UUID,
    "actorRole" "ActorRole" NOT NULL,
    "action" "SelectionAction" NOT NULL,
    "filter" JSONB NOT NULL,
    "reason" TEXT,
    "matched" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "state" "JobState" NOT NULL DEFAULT 'running',
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SelectionJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Refusal" (
    "hostingId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "script" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Refusal_pkey" PRIMARY KEY ("hostingId","day","script","reason")
);

-- CreateIndex
CREATE INDEX "SelectionJob_hostingId_createdAt_idx" ON "SelectionJob"("hostingId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "SelectionJob_state_idx" ON "SelectionJob"("state");

-- CreateIndex
CREATE INDEX "Message_hostingId_script_acceptedAt_idx" ON "Message"("hostingId", "script", "acceptedAt" DESC);

-- AddForeignKey
ALTER TABLE "SelectionJob" ADD CONSTRAINT "SelectionJob_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Refusal" ADD CONSTRAINT "Refusal_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

