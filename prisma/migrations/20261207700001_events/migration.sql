-- The hub's programme (issue 13, docs/decisions/038): a cross-town format
-- catalogue (global) and the towns' events, sessions and registrations
-- (tenant tables). Seats are counters on the event, changed only by
-- conditional updates; the CHECK is the last guard against overbooking.

-- A format of the catalogue: the provider's (partnerId null) or a partner's. No town data.
CREATE TABLE "EventFormat" (
    "id" UUID NOT NULL,
    "partnerId" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "audience" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "durationMinutes" INTEGER NOT NULL,
    "idealCapacity" INTEGER NOT NULL,
    "roomNeeds" TEXT NOT NULL DEFAULT '',
    "equipment" TEXT NOT NULL DEFAULT '',
    "accessibilityNotes" TEXT NOT NULL DEFAULT '',
    "materials" TEXT NOT NULL DEFAULT '',
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "archivedAt" TIMESTAMPTZ(3),

    CONSTRAINT "EventFormat_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "EventFormat_kind_check" CHECK ("kind" IN ('workshop', 'talk', 'consultation', 'hackathon', 'exhibition', 'training')),
    CONSTRAINT "EventFormat_audience_check" CHECK ("audience" <@ ARRAY['citizens', 'administration', 'businesses', 'startups', 'schools']::TEXT[]),
    CONSTRAINT "EventFormat_duration_check" CHECK ("durationMinutes" BETWEEN 1 AND 10080),
    CONSTRAINT "EventFormat_capacity_check" CHECK ("idealCapacity" BETWEEN 1 AND 10000)
);
CREATE INDEX "EventFormat_partnerId_idx" ON "EventFormat"("partnerId");
ALTER TABLE "EventFormat" ADD CONSTRAINT "EventFormat_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE RESTRICT;

CREATE TABLE "Event" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "hubId" UUID NOT NULL,
    "spaceId" UUID NOT NULL,
    "formatId" UUID,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "audience" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "language" TEXT NOT NULL DEFAULT 'de',
    "stepFree" BOOLEAN NOT NULL DEFAULT false,
    "hearingLoop" BOOLEAN NOT NULL DEFAULT false,
    "signLanguageOnRequest" BOOLEAN NOT NULL DEFAULT false,
    "accessibilityNotes" TEXT NOT NULL DEFAULT '',
    "attendanceMode" TEXT NOT NULL DEFAULT 'onsite',
    "meetingUrl" TEXT,
    "capacity" INTEGER NOT NULL,
    "maxSeatsPerRegistration" INTEGER NOT NULL DEFAULT 1,
    "registrationOpensAt" TIMESTAMPTZ(3),
    "registrationClosesAt" TIMESTAMPTZ(3),
    "requiresApproval" BOOLEAN NOT NULL DEFAULT false,
    "waitlistMode" TEXT NOT NULL DEFAULT 'auto',
    "offerHours" INTEGER NOT NULL DEFAULT 24,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "confirmedSeats" INTEGER NOT NULL DEFAULT 0,
    "offeredSeats" INTEGER NOT NULL DEFAULT 0,
    "waitlistedCount" INTEGER NOT NULL DEFAULT 0,
    "waitlistSeq" INTEGER NOT NULL DEFAULT 0,
    "retentionDays" INTEGER NOT NULL DEFAULT 30,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "publishedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),

    CONSTRAINT "Event_pkey" PRIMARY KEY ("tenantId","id"),
    CONSTRAINT "Event_kind_check" CHECK ("kind" IN ('workshop', 'talk', 'consultation', 'hackathon', 'exhibition', 'training')),
    CONSTRAINT "Event_audience_check" CHECK ("audience" <@ ARRAY['citizens', 'administration', 'businesses', 'startups', 'schools']::TEXT[]),
    CONSTRAINT "Event_status_check" CHECK ("status" IN ('draft', 'published', 'cancelled', 'finished')),
    CONSTRAINT "Event_waitlistMode_check" CHECK ("waitlistMode" IN ('auto', 'offer')),
    CONSTRAINT "Event_attendanceMode_check" CHECK ("attendanceMode" IN ('onsite', 'online', 'hybrid')),
    CONSTRAINT "Event_offerHours_check" CHECK ("offerHours" BETWEEN 1 AND 168),
    CONSTRAINT "Event_maxSeats_check" CHECK ("maxSeatsPerRegistration" BETWEEN 1 AND "capacity"),
    CONSTRAINT "Event_retention_check" CHECK ("retentionDays" BETWEEN 1 AND 3650),
    CONSTRAINT "Event_window_check" CHECK ("registrationOpensAt" IS NULL OR "registrationClosesAt" IS NULL OR "registrationOpensAt" < "registrationClosesAt"),
    -- No overbooking, whatever the application does: the last guard behind the conditional updates.
    CONSTRAINT "Event_capacity_check" CHECK ("capacity" >= 1),
    CONSTRAINT "Event_seats_check" CHECK ("confirmedSeats" >= 0 AND "offeredSeats" >= 0 AND "confirmedSeats" <= "capacity"
                                          AND "confirmedSeats" + "offeredSeats" <= "capacity"),
    CONSTRAINT "Event_waitlist_check" CHECK ("waitlistedCount" >= 0 AND "waitlistSeq" >= "waitlistedCount")
);
CREATE INDEX "Event_tenantId_hubId_idx" ON "Event"("tenantId", "hubId");
CREATE INDEX "Event_tenantId_spaceId_idx" ON "Event"("tenantId", "spaceId");
ALTER TABLE "Event" ADD CONSTRAINT "Event_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE "Event" ADD CONSTRAINT "Event_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

CREATE TABLE "EventSession" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "bookingId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EventSession_pkey" PRIMARY KEY ("tenantId","id"),
    CONSTRAINT "EventSession_time_check" CHECK ("endsAt" > "startsAt")
);
CREATE UNIQUE INDEX "EventSession_tenantId_bookingId_key" ON "EventSession"("tenantId", "bookingId");
CREATE INDEX "EventSession_tenantId_eventId_startsAt_idx" ON "EventSession"("tenantId", "eventId", "startsAt");
ALTER TABLE "EventSession" ADD CONSTRAINT "EventSession_tenantId_eventId_fkey" FOREIGN KEY ("tenantId", "eventId") REFERENCES "Event"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
-- NO ACTION: a space's cascade deletes its bookings and its events' sessions in one statement.
ALTER TABLE "EventSession" ADD CONSTRAINT "EventSession_tenantId_bookingId_fkey" FOREIGN KEY ("tenantId", "bookingId") REFERENCES "Booking"("tenantId", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

CREATE TABLE "EventRegistration" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "userId" UUID,
    "name" TEXT,
    "email" TEXT,
    "seats" INTEGER NOT NULL DEFAULT 1,
    "status" TEXT NOT NULL,
    "waitlistPosition" INTEGER,
    "offerExpiresAt" TIMESTAMPTZ(3),
    "checkedInAt" TIMESTAMPTZ(3),
    "answers" JSONB NOT NULL DEFAULT '{}',
    "checkInToken" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EventRegistration_pkey" PRIMARY KEY ("tenantId","id"),
    CONSTRAINT "EventRegistration_status_check" CHECK ("status" IN ('confirmed', 'waitlisted', 'offered', 'lapsed', 'cancelled', 'removed')),
    CONSTRAINT "EventRegistration_seats_check" CHECK ("seats" BETWEEN 1 AND 10000),
    -- An offer runs until a time; only an offer does.
    CONSTRAINT "EventRegistration_offer_check" CHECK (("status" = 'offered') = ("offerExpiresAt" IS NOT NULL)),
    -- Only a confirmed participant is checked in.
    CONSTRAINT "EventRegistration_checkIn_check" CHECK ("checkedInAt" IS NULL OR "status" = 'confirmed'),
    -- Waiting means having a place in the queue.
    CONSTRAINT "EventRegistration_position_check" CHECK ("status" <> 'waitlisted' OR "waitlistPosition" IS NOT NULL)
);
CREATE UNIQUE INDEX "EventRegistration_tenantId_checkInToken_key" ON "EventRegistration"("tenantId", "checkInToken");
CREATE INDEX "EventRegistration_tenantId_eventId_status_waitlistPosition_idx" ON "EventRegistration"("tenantId", "eventId", "status", "waitlistPosition");
CREATE INDEX "EventRegistration_tenantId_userId_idx" ON "EventRegistration"("tenantId", "userId");
-- No person twice: one live registration per person and event.
CREATE UNIQUE INDEX "EventRegistration_live_person_key" ON "EventRegistration"("tenantId", "eventId", "userId")
  WHERE "status" IN ('confirmed', 'waitlisted', 'offered');
-- One place per position in an event's queue.
CREATE UNIQUE INDEX "EventRegistration_position_key" ON "EventRegistration"("tenantId", "eventId", "waitlistPosition");
ALTER TABLE "EventRegistration" ADD CONSTRAINT "EventRegistration_tenantId_eventId_fkey" FOREIGN KEY ("tenantId", "eventId") REFERENCES "Event"("tenantId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;
-- SET NULL: a deleted account's seats stay counted (the counters must equal the rows).
ALTER TABLE "EventRegistration" ADD CONSTRAINT "EventRegistration_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE RESTRICT;

-- The database wall (docs/decisions/003): forced RLS on every tenant table.
ALTER TABLE "Event" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Event" FORCE ROW LEVEL SECURITY;
CREATE POLICY event_tenant ON "Event"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "EventSession" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "EventSession" FORCE ROW LEVEL SECURITY;
CREATE POLICY event_session_tenant ON "EventSession"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
ALTER TABLE "EventRegistration" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "EventRegistration" FORCE ROW LEVEL SECURITY;
CREATE POLICY event_registration_tenant ON "EventRegistration"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- Grants. The catalogue is written through the audited platform client only;
-- events, sessions and registrations are never deleted by the app (cancelled instead).
GRANT SELECT ON "EventFormat" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE ON "EventFormat" TO hubwerk_platform;
GRANT SELECT, INSERT, UPDATE ON "Event", "EventSession", "EventRegistration" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "Event", "EventSession", "EventRegistration" TO hubwerk_platform;
