-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('auto_block', 'purge_finished', 'expiry_soon', 'daily_limit');

-- CreateEnum
CREATE TYPE "WebhookStatus" AS ENUM ('pending', 'delivered', 'failed');

-- AlterTable
ALTER TABLE "Hosting" ADD COLUMN     "alertWebhookUrl" TEXT;

-- AlterTable
ALTER TABLE "Message" ALTER COLUMN "hostingId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "DeliveryEvent" ALTER COLUMN "hostingId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "ReportRun" DROP COLUMN "sentAt",
DROP COLUMN "status";

-- DropEnum
DROP TYPE "ReportStatus";

-- CreateTable
CREATE TABLE "Alert" (
    "id" UUID NOT NULL,
    "hostingId" UUID NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "occasion" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recipient" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "messageId" UUID,
    "webhookUrl" TEXT,
    "webhookStatus" "WebhookStatus",
    "webhookAttempts" INTEGER NOT NULL DEFAULT 0,
    "webhookNextAt" TIMESTAMPTZ(3),
    "webhookError" TEXT,

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Alert_messageId_key" ON "Alert"("messageId");

-- CreateIndex
CREATE INDEX "Alert_webhookStatus_webhookNextAt_idx" ON "Alert"("webhookStatus", "webhookNextAt");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_hostingId_kind_occasion_key" ON "Alert"("hostingId", "kind", "occasion");

-- CreateIndex
CREATE INDEX "DailyVolume_day_idx" ON "DailyVolume"("day");

-- CreateIndex
CREATE UNIQUE INDEX "ReportRun_messageId_key" ON "ReportRun"("messageId");

-- AddForeignKey
ALTER TABLE "ReportRun" ADD CONSTRAINT "ReportRun_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;

