-- CreateTable
CREATE TABLE "HourlyVolume" (
    "hostingId" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "held" INTEGER NOT NULL DEFAULT 0,
    "spam" INTEGER NOT NULL DEFAULT 0,
    "refused" INTEGER NOT NULL DEFAULT 0,
    "recipients" INTEGER NOT NULL DEFAULT 0,
    "recipientsFailed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "HourlyVolume_pkey" PRIMARY KEY ("hostingId","hour")
);

-- CreateTable
CREATE TABLE "HostingNote" (
    "id" UUID NOT NULL,
    "hostingId" UUID NOT NULL,
    "authorId" UUID,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HostingNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HealthMinute" (
    "component" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "successes" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastSuccessAt" TIMESTAMPTZ(3),
    "lastFailureAt" TIMESTAMPTZ(3),
    "lastError" TEXT,

    CONSTRAINT "HealthMinute_pkey" PRIMARY KEY ("component","minute")
);

-- CreateIndex
CREATE INDEX "HourlyVolume_hour_idx" ON "HourlyVolume"("hour");

-- CreateIndex
CREATE INDEX "HostingNote_hostingId_createdAt_idx" ON "HostingNote"("hostingId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Hosting_state_blockCause_stateChangedAt_idx" ON "Hosting"("state", "blockCause", "stateChangedAt" DESC);

-- AddForeignKey
ALTER TABLE "HourlyVolume" ADD CONSTRAINT "HourlyVolume_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostingNote" ADD CONSTRAINT "HostingNote_hostingId_fkey" FOREIGN KEY ("hostingId") REFERENCES "Hosting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

