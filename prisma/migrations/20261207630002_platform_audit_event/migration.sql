-- The audit log in two tables (docs/decisions/030-citus-ready-schema.md).
--
-- A town's entries stay in "AuditEvent", now a tenant table like every
-- other: "tenantId" NOT NULL and the first column of its primary key, so
-- Citus can distribute it with the town's other rows. The entries of no town
-- (registering a partner, reading many towns' logs, a partner's staff) move
-- to "PlatformAuditEvent", a global table (a Citus reference table). Only
-- the platform role reads and writes it; the app role never writes an entry
-- without a town (its policy requires the town in scope).

CREATE TABLE "PlatformAuditEvent" (
    "id" UUID NOT NULL,
    "actorUserId" UUID,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "reason" TEXT,
    "data" JSONB,
    "requestId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlatformAuditEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PlatformAuditEvent_createdAt_idx" ON "PlatformAuditEvent"("createdAt");
CREATE INDEX "PlatformAuditEvent_actorUserId_idx" ON "PlatformAuditEvent"("actorUserId");
CREATE INDEX "PlatformAuditEvent_targetId_idx" ON "PlatformAuditEvent"("targetId");

-- The schema owner moves the entries (its own policies on "AuditEvent" cover reading and redacting, not deleting).
ALTER TABLE "AuditEvent" NO FORCE ROW LEVEL SECURITY;
INSERT INTO "PlatformAuditEvent" ("id", "actorUserId", "action", "targetType", "targetId", "reason", "data", "requestId", "createdAt")
  SELECT "id", "actorUserId", "action", "targetType", "targetId", "reason", "data", "requestId", "createdAt"
  FROM "AuditEvent" WHERE "tenantId" IS NULL;
DELETE FROM "AuditEvent" WHERE "tenantId" IS NULL;
ALTER TABLE "AuditEvent" FORCE ROW LEVEL SECURITY;

ALTER TABLE "AuditEvent" ALTER COLUMN "tenantId" SET NOT NULL;
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_pkey", ADD CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("tenantId", "id");

-- Append-only, like the town's log: the platform role may add and read.
GRANT SELECT, INSERT ON "PlatformAuditEvent" TO hubwerk_platform;

-- The redaction of a deleted account (docs/decisions/027) covers both tables.
CREATE OR REPLACE FUNCTION app_redact_person_in_audit(person uuid) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
DECLARE
  person_email text;
  person_name text;
  pattern text;
  changed integer;
  changed_platform integer;
BEGIN
  SELECT lower(email), name INTO person_email, person_name FROM "User" WHERE id = person;
  IF person_email IS NULL THEN
    RAISE EXCEPTION 'no account %', person USING ERRCODE = 'no_data_found';
  END IF;
  IF person = '00000000-0000-4000-8000-00000000d0d0'::uuid THEN
    RAISE EXCEPTION 'the placeholder account is not a person' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  pattern := regexp_replace(person_email, '([^a-zA-Z0-9])', '\\\1', 'g');
  UPDATE "AuditEvent" AS a SET
    -- The name only where the entry is about this account (actor or target): elsewhere the same words may mean something else (a hub's name).
    data = CASE WHEN a.data IS NULL THEN NULL
                ELSE app_redact_json(a.data, person_email, CASE WHEN a."actorUserId" = person OR a."targetId" = person::text THEN person_name END) END,
    reason = CASE WHEN a.reason IS NULL THEN NULL ELSE regexp_replace(a.reason, pattern, 'geloeschtes-konto@hubwerk.invalid', 'gi') END,
    "targetId" = CASE WHEN lower(a."targetId") = person_email THEN 'geloeschtes-konto@hubwerk.invalid' ELSE a."targetId" END
  WHERE position(person_email IN lower(coalesce(a.data::text, ''))) > 0
     OR position(person_email IN lower(coalesce(a.reason, ''))) > 0
     OR lower(a."targetId") = person_email
     OR ((a."actorUserId" = person OR a."targetId" = person::text) AND a.data IS NOT NULL AND a.data::text LIKE '%' || to_jsonb(person_name)::text || '%');
  GET DIAGNOSTICS changed = ROW_COUNT;
  UPDATE "PlatformAuditEvent" AS a SET
    data = CASE WHEN a.data IS NULL THEN NULL
                ELSE app_redact_json(a.data, person_email, CASE WHEN a."actorUserId" = person OR a."targetId" = person::text THEN person_name END) END,
    reason = CASE WHEN a.reason IS NULL THEN NULL ELSE regexp_replace(a.reason, pattern, 'geloeschtes-konto@hubwerk.invalid', 'gi') END,
    "targetId" = CASE WHEN lower(a."targetId") = person_email THEN 'geloeschtes-konto@hubwerk.invalid' ELSE a."targetId" END
  WHERE position(person_email IN lower(coalesce(a.data::text, ''))) > 0
     OR position(person_email IN lower(coalesce(a.reason, ''))) > 0
     OR lower(a."targetId") = person_email
     OR ((a."actorUserId" = person OR a."targetId" = person::text) AND a.data IS NOT NULL AND a.data::text LIKE '%' || to_jsonb(person_name)::text || '%');
  GET DIAGNOSTICS changed_platform = ROW_COUNT;
  RETURN changed + changed_platform;
END $$;

-- The whole log in one place for the provider's staff and operators (SQL
-- only; the API reads the two tables itself). Runs with the caller's rights
-- and row-level security (security_invoker), so it shows nothing its reader
-- could not read from the tables.
CREATE VIEW "AuditLog" WITH (security_invoker = true) AS
  SELECT "tenantId", "id", "actorUserId", "action", "targetType", "targetId", "reason", "data", "requestId", "createdAt", "supportSessionId"
  FROM "AuditEvent"
  UNION ALL
  SELECT NULL::uuid, "id", "actorUserId", "action", "targetType", "targetId", "reason", "data", "requestId", "createdAt", NULL::uuid
  FROM "PlatformAuditEvent";
GRANT SELECT ON "AuditLog" TO hubwerk_platform;
