-- Sliding-window sign-in rate limit (packages/api/src/routers/auth/sign-in-throttle.ts).
-- A global table, not tenant data: sign-in happens before any town is known,
-- so it has no tenantId and no row-level security. The counter lives in
-- PostgreSQL so that every API instance sees the same count.

-- CreateTable
CREATE TABLE "SignInAttempt" (
    "id" UUID NOT NULL,
    "bucket" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignInAttempt_bucket_createdAt_idx" ON "SignInAttempt"("bucket", "createdAt");

-- The app role counts, records and clears attempts; nothing else.
GRANT SELECT, INSERT, DELETE ON "SignInAttempt" TO hubwerk_app;
GRANT SELECT, DELETE ON "SignInAttempt" TO hubwerk_platform;
