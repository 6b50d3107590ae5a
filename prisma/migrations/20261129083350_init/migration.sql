-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('customer', 'support');

-- CreateEnum
CREATE TYPE "ActorRole" AS ENUM ('customer', 'support', 'system');

-- CreateEnum
CREATE TYPE "HostingState" AS ENUM ('active', 'blocked', 'purging');

-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('queued', 'held', 'sending', 'sent', 'failed', 'expired', 'purged');

-- CreateEnum
CREATE TYPE "MessageSource" AS ENUM ('smtp', 'sendmail', 'panel', 'system');

-- CreateEnum
CREATE TYPE "DeliveryOutcome" AS ENUM ('delivered', 'deferred', 'failed', 'expired');

-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('pending', 'sent', 'failed');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'customer',
    "locale" TEXT NOT NULL DEFAULT 'en',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "succeeded" BOOLEAN NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Hosting" (
    "id" UUID NOT NULL,
    "serviceName" TEXT NOT NULL,
    "ownerId" UUID NOT NULL,
    "state" "HostingState" NOT NULL DEFAULT 'active',
    "blockedByRole" "ActorRole",
    "stateReason" TEXT,
    "stateChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reportRecipient" TEXT,
    "maxPerDay" INTEGER NOT NULL DEFAULT 1000,
    "smtpPasswordHash" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Hosting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL,
    "hostingId" UUID NOT NULL,
    "envelopeFrom" TEXT NOT NULL,
    "recipients" TEXT[],
    "delivered" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "failed" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "subject" TEXT NOT NULL DEFAULT '',
    "messageIdHeader" TEXT,
    "size" INTEGER NOT NULL,
    "raw" BYTEA,
    "status" "MessageStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" "MessageSource" NOT NULL,
    "originatingScript" TEXT,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryEvent" (
    "id" UUID NOT NULL,
    "messageId" UUID NOT NULL,
    "hostingId" UUID NOT NULL,
    "recipient" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" "DeliveryOutcome" NOT NULL,
    "smtpCode" INTEGER,
    "text" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "DeliveryEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DailyVolume" (
    "hostingId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "held" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "purged" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DailyVolume_pkey" PRIMARY KEY ("hostingId","day")
);

-- CreateTable
CREATE TABLE "StateChange" (
    "id" UUID NOT NULL,
    "hostingId" UUID NOT NULL,
    "from" "HostingState" NOT NULL,
    "to" "HostingState" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "actorRole" "ActorRole" NOT NULL,
    "reason" TEXT,

    CONSTRAINT "StateChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "actorRole" "ActorRole" NOT NULL,
    "action" TEXT NOT NULL,
    "hostingId" UUID,
    "reason" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportRun" (
    "id" UUID NOT NULL,
    "hostingId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "recipient" TEXT NOT NULL,
    "errorCount" INTEGER NOT NULL,
    "status" "ReportStatus" NOT NULL DEFAULT 'pending',
    "messageId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "ReportRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE INDEX "LoginAttempt_email_at_idx" ON "LoginAttempt"("email", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Hosting_serviceName_key" ON "Hosting"("serviceName");

-- CreateIndex
CREATE INDEX "Hosting_ownerId_idx" ON "Hosting"("ownerId");

-- CreateIndex
CREATE INDEX "Hosting_state_idx" ON "Hosting"("state");

-- CreateIndex
CREATE INDEX "Message_hostingId_status_acceptedAt_id_idx" ON "Message"("hostingId", "status", "acceptedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Message_hostingId_acceptedAt_id_idx" ON "Message"("hostingId", "acceptedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Message_status_nextAttemptAt_idx" ON "Message"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Message_status_expiresAt_idx" ON "Message"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Message_status_sentAt_idx" ON "Message"("status", "sentAt");

-- CreateIndex
CREATE INDEX "DeliveryEvent_hostingId_outcome_at_idx" ON "DeliveryEvent"("hostingId", "outcome", "at" DESC);

-- CreateIndex
CREATE INDEX "DeliveryEvent_messageId_idx" ON "DeliveryEvent"("messageId");

-- CreateIndex
CREATE INDEX "StateChange_hostingId_at_idx" ON "StateChange"("hostingId", "at" DESC);

-- CreateIndex
CREATE INDEX "AuditEntry_hostingId_at_idx" ON "AuditEntry"("hostingId", "at" DESC);

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "ReportRun_hostingId_day_key" ON "ReportRun"("hostingId", "day");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Hosting" ADD CONSTRAINT "Hosting_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Message" ADD CONSTRAINT "Message_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryEvent" ADD CONSTRAINT "DeliveryEvent_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryEvent" ADD CONSTRAINT "DeliveryEvent_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DailyVolume" ADD CONSTRAINT "DailyVolume_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StateChange" ADD CONSTRAINT "StateChange_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReportRun" ADD CONSTRAINT "ReportRun_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

