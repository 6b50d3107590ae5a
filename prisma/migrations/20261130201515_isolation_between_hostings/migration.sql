-- CreateEnum
CREATE TYPE "FailureKind" AS ENUM ('recipient', 'message', 'relay');

-- AlterTable
-- Tokens made before expiry existed get 90 days from their creation.
ALTER TABLE "ApiToken" ADD COLUMN     "expiresAt" TIMESTAMPTZ(3);
UPDATE "ApiToken" SET "expiresAt" = "createdAt" + interval '90 days';
ALTER TABLE "ApiToken" ALTER COLUMN "expiresAt" SET NOT NULL;

-- AlterTable
ALTER TABLE "LoginAttempt" ADD COLUMN     "clientAddress" TEXT;

-- AlterTable
ALTER TABLE "Hosting" ADD COLUMN     "alertWebhookSecret" TEXT,
ADD COLUMN     "senderDomains" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "DeliveryEvent" ADD COLUMN     "failureKind" "FailureKind";

-- CreateIndex
CREATE INDEX "LoginAttempt_clientAddress_at_idx" ON "LoginAttempt"("clientAddress", "at");

