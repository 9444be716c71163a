-- Approval mails (docs/decisions/037): each person who may decide a hub's
-- booking requests chooses a mail per request (default) or a daily digest.
-- Columns of an existing tenant-owned table: its keys, RLS policy and grants
-- already cover them.
ALTER TABLE "TenantMembership" ADD COLUMN "approvalDigest" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "TenantMembership" ADD COLUMN "approvalDigestSentOn" DATE;
