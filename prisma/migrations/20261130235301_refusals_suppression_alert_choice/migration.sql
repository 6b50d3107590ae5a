-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "AlertKind" ADD VALUE 'support_block';
ALTER TYPE "AlertKind" ADD VALUE 'unblocked';
ALTER TYPE "AlertKind" ADD VALUE 'daily_limit_reached';

-- AlterTable
ALTER TABLE "Hosting" ADD COLUMN     "alertsOff" "AlertKind"[] DEFAULT ARRAY[]::"AlertKind"[];

-- CreateTable
CREATE TABLE "Suppression" (
    "hostingId" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "addedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Suppression_pkey" PRIMARY KEY ("hostingId","address")
);

-- CreateIndex
CREATE INDEX "Suppression_expiresAt_idx" ON "Suppression"("expiresAt");

-- AddForeignKey
ALTER TABLE "Suppression" ADD CONSTRAINT "Suppression_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

