-- A person deletes their own account (docs/decisions/027-own-data-rights.md).
--
-- What the towns must keep (bookings, series, support sessions) is re-pointed
-- to one inert placeholder account, "Gelöschtes Konto", created on first use
-- by the deletion itself with this fixed id. These checks keep it inert
-- whatever a later bug or invitation tries: it never gets a credential, a
-- platform role, a session or a membership.
ALTER TABLE "User" ADD CONSTRAINT "User_deleted_placeholder_inert"
  CHECK (id <> '00000000-0000-4000-8000-00000000d0d0'::uuid
         OR ("passwordHash" IS NULL AND "totpSecret" IS NULL AND "totpPendingSecret" IS NULL AND "platformRole" IS NULL));
ALTER TABLE "Session" ADD CONSTRAINT "Session_not_deleted_placeholder"
  CHECK ("userId" <> '00000000-0000-4000-8000-00000000d0d0'::uuid);
ALTER TABLE "TenantMembership" ADD CONSTRAINT "TenantMembership_not_deleted_placeholder"
  CHECK ("userId" <> '00000000-0000-4000-8000-00000000d0d0'::uuid);
ALTER TABLE "PartnerMembership" ADD CONSTRAINT "PartnerMembership_not_deleted_placeholder"
  CHECK ("userId" <> '00000000-0000-4000-8000-00000000d0d0'::uuid);

-- Support sessions are part of the audit trail (no DELETE): the deletion
-- re-points the staff member to the placeholder, and may change nothing else.
GRANT UPDATE ("staffUserId") ON "SupportSession" TO hubwerk_platform;

-- The audit log stays append-only: neither the app nor the platform role
-- may UPDATE it. The one exception is this function, which only the
-- platform role may call: it replaces one account's e-mail address (and, in
-- the entries that name that account as actor or target, its name) with the
-- placeholder's, and touches no other column and no other account's entries.
-- It reads the address and name itself from the account row, so a caller
-- cannot make it redact arbitrary text; the deletion calls it before it
-- removes that row.
CREATE FUNCTION app_redact_json(value jsonb, email text, name text) RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path = public, pg_temp
  AS $$
DECLARE
  result jsonb;
  text_value text;
BEGIN
  CASE jsonb_typeof(value)
    WHEN 'string' THEN
      text_value := value #>> '{}';
      IF name IS NOT NULL AND text_value = name THEN
        RETURN to_jsonb('Gelöschtes Konto'::text);
      END IF;
      -- The address anywhere in the text, in any letter case (it is compared lower-cased everywhere else too).
      RETURN to_jsonb(regexp_replace(text_value, regexp_replace(email, '([^a-zA-Z0-9])', '\\\1', 'g'), 'geloeschtes-konto@hubwerk.invalid', 'gi'));
    WHEN 'object' THEN
      SELECT coalesce(jsonb_object_agg(key, app_redact_json(v, email, name)), '{}'::jsonb) INTO result FROM jsonb_each(value) AS e(key, v);
      RETURN result;
    WHEN 'array' THEN
      SELECT coalesce(jsonb_agg(app_redact_json(v, email, name) ORDER BY ord), '[]'::jsonb) INTO result FROM jsonb_array_elements(value) WITH ORDINALITY AS e(v, ord);
      RETURN result;
    ELSE
      RETURN value;
  END CASE;
END $$;

CREATE FUNCTION app_redact_person_in_audit(person uuid) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
DECLARE
  person_email text;
  person_name text;
  pattern text;
  changed integer;
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
  RETURN changed;
END $$;

REVOKE ALL ON FUNCTION app_redact_json(jsonb, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_redact_person_in_audit(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_redact_person_in_audit(uuid) TO hubwerk_platform;

-- The function runs as the owner of the tables, who is subject to the
-- forced row-level security like everyone: these two policies let the owner
-- (and nobody else) find and update the entries, through the function.
CREATE POLICY audit_owner_read ON "AuditEvent" FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY audit_owner_redact ON "AuditEvent" FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true);

-- A person's own export lists the town exports they requested: when, and
-- how large — never the archive (the column is not granted).
GRANT SELECT ("tenantId", "id", "requestedById", "status", "createdAt", "finishedAt", "sizeBytes") ON "TenantExport" TO hubwerk_platform;

-- A person's export and deletion find the entries they made or that concern them.
CREATE INDEX "AuditEvent_actorUserId_idx" ON "AuditEvent"("actorUserId");
CREATE INDEX "AuditEvent_targetId_idx" ON "AuditEvent"("targetId");
