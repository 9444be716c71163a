-- Photos of spaces (issue 4: "photos optional"; docs/decisions/019).

-- CreateTable
CREATE TABLE "SpacePhoto" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "spaceId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "altText" TEXT NOT NULL,
    "contentType" TEXT NOT NULL DEFAULT 'image/webp',
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "byteSize" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "image" BYTEA NOT NULL,
    "thumbnail" BYTEA NOT NULL,
    "thumbWidth" INTEGER NOT NULL,
    "thumbHeight" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" UUID,

    CONSTRAINT "SpacePhoto_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateIndex
CREATE INDEX "SpacePhoto_tenantId_spaceId_position_idx" ON "SpacePhoto"("tenantId", "spaceId", "position");

-- AddForeignKey
ALTER TABLE "SpacePhoto" ADD CONSTRAINT "SpacePhoto_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SpacePhoto" ADD CONSTRAINT "SpacePhoto_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- What the service guarantees, kept by the database too (a bug or a manual
-- insert cannot store an unlabelled photo or something that is not the
-- re-encoded WebP). The per-space limit (8) is the service's, under a lock.
ALTER TABLE "SpacePhoto"
  ADD CONSTRAINT "SpacePhoto_altText_check" CHECK (length(btrim("altText")) BETWEEN 1 AND 300),
  ADD CONSTRAINT "SpacePhoto_contentType_check" CHECK ("contentType" = 'image/webp'),
  ADD CONSTRAINT "SpacePhoto_size_check" CHECK ("width" BETWEEN 1 AND 1600 AND "height" > 0 AND "byteSize" = octet_length("image") AND "position" >= 0);

-- The database wall (docs/decisions/003): a town's photos are its data.
ALTER TABLE "SpacePhoto" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "SpacePhoto" FORCE ROW LEVEL SECURITY;
CREATE POLICY space_photo_tenant ON "SpacePhoto"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON "SpacePhoto" TO hubwerk_app;
-- Like Space and Desk: the platform role (RLS bypassed, every use audited) may maintain spaces as a whole.
GRANT SELECT, INSERT, UPDATE, DELETE ON "SpacePhoto" TO hubwerk_platform;
