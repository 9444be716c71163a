-- Rate limits on rate-limiter-flexible's PostgreSQL store (ADR 024), and
-- password reset requests answered before any account is looked up.
--
-- Both are global tables, not tenant data: sign-in, reset and the public
-- pages run before any town is known, so they have no tenantId and no
-- row-level security. The limiter's table is created here, never at run
-- time (the app role owns no table and may not create one): the library
-- runs with `tableCreated: true`. Its layout (key, points, expire in epoch
-- milliseconds) is the library's own.

CREATE TABLE "RateLimit" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- The library's clean-up deletes rows by expiry.
CREATE INDEX "RateLimit_expire_idx" ON "RateLimit"("expire");

GRANT SELECT, INSERT, UPDATE, DELETE ON "RateLimit" TO hubwerk_app;
GRANT SELECT, DELETE ON "RateLimit" TO hubwerk_platform;

-- The app role may only add a request: it never reads one back, so the
-- answer to the caller cannot depend on what exists. The worker (platform
-- role) looks the address up afterwards and deletes the request.
CREATE TABLE "PasswordResetRequest" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PasswordResetRequest_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "PasswordResetRequest_createdAt_idx" ON "PasswordResetRequest"("createdAt");

GRANT INSERT ON "PasswordResetRequest" TO hubwerk_app;
-- UPDATE only for the worker's FOR UPDATE SKIP LOCKED (several API processes share the queue).
GRANT SELECT, UPDATE, DELETE ON "PasswordResetRequest" TO hubwerk_platform;

-- The hand-written sliding window it replaces.
DROP TABLE "SignInAttempt";
