-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'STORED', 'FAILED');

-- CreateTable
CREATE TABLE "OutboxEmail" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "textBody" TEXT NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "sentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxEmail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OutboxEmail_status_availableAt_idx" ON "OutboxEmail"("status", "availableAt");

-- The outbox is global (no tenantId, docs/decisions/008). The app role may
-- only append: a town's transaction enqueues its mail, but no request can
-- read anybody's mail (they carry single-use links). Only the delivery
-- worker, on the platform role, reads and updates rows.
GRANT INSERT ON "OutboxEmail" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE ON "OutboxEmail" TO hubwerk_platform;
