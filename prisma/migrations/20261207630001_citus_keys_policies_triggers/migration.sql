-- A schema Citus can distribute by "tenantId" (docs/scale-out.md,
-- docs/decisions/030-citus-ready-schema.md). Three of its rules, checked for
-- every table by packages/db/src/citus-rules.integration.test.ts:
--
-- 1. No trigger writes another table: on a shard it would have to run a
--    distributed query. The town row's copy of the dunning state is written
--    by the billing webhook in the same transaction as the billing row.
DROP TRIGGER "TenantBilling_payment_overdue_copy" ON "TenantBilling";
DROP FUNCTION tenant_payment_overdue_copy();

-- 2. Row-level security policies are plain expressions over the row's own
--    columns and the transaction's settings: Citus refuses subqueries in
--    policies of distributed and reference tables.
--
-- Towns: the town row itself is directory data (name, slug, AGS, status),
-- readable by any signed-in request; which towns a user may act in is the
-- permission wall's decision, checked on every town procedure before the
-- town's scope is entered. Writing it and everything under it still needs
-- the town's own scope.
DROP POLICY tenant_read ON "Tenant";
CREATE POLICY tenant_read ON "Tenant" FOR SELECT
  USING (id = app_current_tenant() OR app_current_user() IS NOT NULL);

-- Hub assignments name their member's user, so "my own assignments in every
-- town" is a comparison with the row. The foreign key includes it: it can
-- only be the membership's user.
ALTER TABLE "HubAssignment" ADD COLUMN "userId" UUID;
UPDATE "HubAssignment" a SET "userId" = m."userId"
  FROM "TenantMembership" m WHERE m."tenantId" = a."tenantId" AND m.id = a."membershipId";
ALTER TABLE "HubAssignment" ALTER COLUMN "userId" SET NOT NULL;
CREATE UNIQUE INDEX "TenantMembership_tenantId_id_userId_key" ON "TenantMembership"("tenantId", "id", "userId");
ALTER TABLE "HubAssignment" DROP CONSTRAINT "HubAssignment_tenantId_membershipId_fkey";
ALTER TABLE "HubAssignment" ADD CONSTRAINT "HubAssignment_tenantId_membershipId_userId_fkey"
  FOREIGN KEY ("tenantId", "membershipId", "userId") REFERENCES "TenantMembership"("tenantId", "id", "userId")
  ON DELETE CASCADE ON UPDATE RESTRICT;
DROP POLICY hub_assignment_self ON "HubAssignment";
CREATE POLICY hub_assignment_self ON "HubAssignment" FOR SELECT USING ("userId" = app_current_user());

-- 3. No foreign key cascades an update: Citus refuses ON UPDATE CASCADE (and
--    SET NULL / SET DEFAULT) where the distribution column is in the key.
--    Keys never change here anyway; RESTRICT says so.
ALTER TABLE "Session" DROP CONSTRAINT "Session_userId_fkey", ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "PartnerMembership" DROP CONSTRAINT "PartnerMembership_partnerId_fkey", ADD CONSTRAINT "PartnerMembership_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "PartnerMembership" DROP CONSTRAINT "PartnerMembership_userId_fkey", ADD CONSTRAINT "PartnerMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Tenant" DROP CONSTRAINT "Tenant_managingPartnerId_fkey", ADD CONSTRAINT "Tenant_managingPartnerId_fkey" FOREIGN KEY ("managingPartnerId") REFERENCES "Partner"("id") ON DELETE SET NULL ON UPDATE RESTRICT;
ALTER TABLE "TenantMembership" DROP CONSTRAINT "TenantMembership_tenantId_fkey", ADD CONSTRAINT "TenantMembership_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "TenantMembership" DROP CONSTRAINT "TenantMembership_userId_fkey", ADD CONSTRAINT "TenantMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "HubAssignment" DROP CONSTRAINT "HubAssignment_tenantId_hubId_fkey", ADD CONSTRAINT "HubAssignment_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Hub" DROP CONSTRAINT "Hub_tenantId_fkey", ADD CONSTRAINT "Hub_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "Invitation" DROP CONSTRAINT "Invitation_tenantId_fkey", ADD CONSTRAINT "Invitation_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_tenantId_fkey", ADD CONSTRAINT "AuditEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "SpacePhoto" DROP CONSTRAINT "SpacePhoto_tenantId_spaceId_fkey", ADD CONSTRAINT "SpacePhoto_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "SpacePhoto" DROP CONSTRAINT "SpacePhoto_createdById_fkey", ADD CONSTRAINT "SpacePhoto_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE RESTRICT;
ALTER TABLE "TenantExport" DROP CONSTRAINT "TenantExport_tenantId_fkey", ADD CONSTRAINT "TenantExport_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "TenantExport" DROP CONSTRAINT "TenantExport_requestedById_fkey", ADD CONSTRAINT "TenantExport_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "TenantSsoConfig" DROP CONSTRAINT "TenantSsoConfig_tenantId_fkey", ADD CONSTRAINT "TenantSsoConfig_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "PartnerSsoConfig" DROP CONSTRAINT "PartnerSsoConfig_partnerId_fkey", ADD CONSTRAINT "PartnerSsoConfig_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Space" DROP CONSTRAINT "Space_tenantId_hubId_fkey", ADD CONSTRAINT "Space_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Desk" DROP CONSTRAINT "Desk_tenantId_spaceId_fkey", ADD CONSTRAINT "Desk_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "OpeningHours" DROP CONSTRAINT "OpeningHours_tenantId_hubId_fkey", ADD CONSTRAINT "OpeningHours_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "OpeningException" DROP CONSTRAINT "OpeningException_tenantId_hubId_fkey", ADD CONSTRAINT "OpeningException_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Booking" DROP CONSTRAINT "Booking_tenantId_spaceId_fkey", ADD CONSTRAINT "Booking_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Booking" DROP CONSTRAINT "Booking_tenantId_deskId_fkey", ADD CONSTRAINT "Booking_tenantId_deskId_fkey" FOREIGN KEY ("tenantId", "deskId") REFERENCES "Desk"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Booking" DROP CONSTRAINT "Booking_userId_fkey", ADD CONSTRAINT "Booking_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Booking" DROP CONSTRAINT "Booking_tenantId_seriesId_fkey", ADD CONSTRAINT "Booking_tenantId_seriesId_fkey" FOREIGN KEY ("tenantId", "seriesId") REFERENCES "BookingSeries"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "BookingSeries" DROP CONSTRAINT "BookingSeries_tenantId_spaceId_fkey", ADD CONSTRAINT "BookingSeries_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "BookingSeries" DROP CONSTRAINT "BookingSeries_tenantId_deskId_fkey", ADD CONSTRAINT "BookingSeries_tenantId_deskId_fkey" FOREIGN KEY ("tenantId", "deskId") REFERENCES "Desk"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "BookingSeries" DROP CONSTRAINT "BookingSeries_userId_fkey", ADD CONSTRAINT "BookingSeries_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "CalendarFeed" DROP CONSTRAINT "CalendarFeed_tenantId_hubId_fkey", ADD CONSTRAINT "CalendarFeed_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "CalendarFeed" DROP CONSTRAINT "CalendarFeed_tenantId_spaceId_fkey", ADD CONSTRAINT "CalendarFeed_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "CalendarFeed" DROP CONSTRAINT "CalendarFeed_userId_fkey", ADD CONSTRAINT "CalendarFeed_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "PasswordResetToken" DROP CONSTRAINT "PasswordResetToken_userId_fkey", ADD CONSTRAINT "PasswordResetToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "RecoveryCode" DROP CONSTRAINT "RecoveryCode_userId_fkey", ADD CONSTRAINT "RecoveryCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "SignInChallenge" DROP CONSTRAINT "SignInChallenge_userId_fkey", ADD CONSTRAINT "SignInChallenge_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "TenantBilling" DROP CONSTRAINT "TenantBilling_tenantId_fkey", ADD CONSTRAINT "TenantBilling_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_tenantId_supportSessionId_fkey", ADD CONSTRAINT "AuditEvent_tenantId_supportSessionId_fkey" FOREIGN KEY ("tenantId", "supportSessionId") REFERENCES "SupportSession"("tenantId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "SupportSession" DROP CONSTRAINT "SupportSession_tenantId_fkey", ADD CONSTRAINT "SupportSession_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "SupportSession" DROP CONSTRAINT "SupportSession_staffUserId_fkey", ADD CONSTRAINT "SupportSession_staffUserId_fkey" FOREIGN KEY ("staffUserId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Invitation" DROP CONSTRAINT "Invitation_tenantId_hubId_fkey", ADD CONSTRAINT "Invitation_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Booking" DROP CONSTRAINT "Booking_tenantId_organisationId_fkey", ADD CONSTRAINT "Booking_tenantId_organisationId_fkey" FOREIGN KEY ("tenantId", "organisationId") REFERENCES "Organisation"("tenantId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "Booking" DROP CONSTRAINT "Booking_createdById_fkey", ADD CONSTRAINT "Booking_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE RESTRICT;
ALTER TABLE "PublicBookingRequest" DROP CONSTRAINT "PublicBookingRequest_tenantId_spaceId_fkey", ADD CONSTRAINT "PublicBookingRequest_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "PublicBookingRequest" DROP CONSTRAINT "PublicBookingRequest_tenantId_deskId_fkey", ADD CONSTRAINT "PublicBookingRequest_tenantId_deskId_fkey" FOREIGN KEY ("tenantId", "deskId") REFERENCES "Desk"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "MemberProfile" DROP CONSTRAINT "MemberProfile_tenantId_membershipId_fkey", ADD CONSTRAINT "MemberProfile_tenantId_membershipId_fkey" FOREIGN KEY ("tenantId", "membershipId") REFERENCES "TenantMembership"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "MemberProfile" DROP CONSTRAINT "MemberProfile_tenantId_organisationId_fkey", ADD CONSTRAINT "MemberProfile_tenantId_organisationId_fkey" FOREIGN KEY ("tenantId", "organisationId") REFERENCES "Organisation"("tenantId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;
