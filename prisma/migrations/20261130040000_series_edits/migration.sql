-- "Change this and following dates" (docs/decisions/020): a series that
-- replaced another from a date on names it. The key includes "tenantId", so
-- a series can only ever point at a series of its own town.
ALTER TABLE "BookingSeries" ADD COLUMN "previousSeriesId" UUID;

-- CreateIndex
CREATE INDEX "BookingSeries_tenantId_previousSeriesId_idx" ON "BookingSeries"("tenantId", "previousSeriesId");

-- AddForeignKey
ALTER TABLE "BookingSeries" ADD CONSTRAINT "BookingSeries_tenantId_previousSeriesId_fkey" FOREIGN KEY ("tenantId", "previousSeriesId") REFERENCES "BookingSeries"("tenantId", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;
