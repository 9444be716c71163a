import type { EventFormat } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import type { Actor } from '@hubwerk/auth';
import { DomainError, fieldError, notFound } from '../../errors.ts';
import type { Ctx } from '../spaces/spaces.service.ts';
import { createEvent } from '../events/events.service.ts';

type AuthedCtx = Context & { session: { userId: string }; actor: Actor };

/**
 * The format catalogue (docs/decisions/038): global, no town data. The
 * provider's admins write every format; a partner's admins write their
 * partner's. Writes go through the audited platform client (the app role
 * may only read the catalogue).
 */
export function mayWriteFormats(actor: Actor, partnerId: string | null): boolean {
  if (actor.platformRole === 'platform-admin') return true;
  return partnerId !== null && actor.partnerRoles.some((p) => p.partnerId === partnerId && p.role === 'partner-admin');
}

type FormatRow = EventFormat & { partner: { name: string } | null };

const toFormatOutput = (actor: Actor, f: FormatRow) => ({
  id: f.id,
  partnerId: f.partnerId,
  partnerName: f.partner?.name ?? null,
  title: f.title,
  description: f.description,
  kind: f.kind as never,
  audience: f.audience as never,
  durationMinutes: f.durationMinutes,
  idealCapacity: f.idealCapacity,
  roomNeeds: f.roomNeeds,
  equipment: f.equipment,
  accessibilityNotes: f.accessibilityNotes,
  materials: f.materials,
  archived: f.archivedAt !== null,
  editable: mayWriteFormats(actor, f.partnerId),
});

export async function listFormats(
  ctx: AuthedCtx,
  input: { partnerId?: string | undefined; kind?: string | undefined },
) {
  const rows = await ctx.db.eventFormat.findMany({
    where: {
      archivedAt: null,
      ...(input.partnerId ? { partnerId: input.partnerId } : {}),
      ...(input.kind ? { kind: input.kind } : {}),
    },
    include: { partner: { select: { name: true } } },
    orderBy: [{ title: 'asc' }, { id: 'asc' }],
    take: 500,
  });
  return { items: rows.map((f) => toFormatOutput(ctx.actor, f)) };
}

type FormatFields = {
  title: string;
  description: string;
  kind: string;
  audience: string[];
  durationMinutes: number;
  idealCapacity: number;
  roomNeeds: string;
  equipment: string;
  accessibilityNotes: string;
  materials: string;
};

export async function createFormat(ctx: AuthedCtx, input: FormatFields & { partnerId: string | null }) {
  if (!mayWriteFormats(ctx.actor, input.partnerId)) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  return ctx.platform.run(
    async (tx) => {
      if (input.partnerId && !(await tx.partner.findFirst({ where: { id: input.partnerId }, select: { id: true } })))
        throw fieldError('partnerId', 'errors.partner.unknown');
      const created = await tx.eventFormat.create({
        data: { ...input, createdById: ctx.session.userId },
        include: { partner: { select: { name: true } } },
      });
      return toFormatOutput(ctx.actor, created);
    },
    (f) => ({
      action: 'eventFormat.created',
      actorUserId: ctx.session.userId,
      targetType: 'EventFormat',
      targetId: f.id,
      requestId: ctx.requestId,
      data: { partnerId: f.partnerId, title: f.title },
    }),
  );
}

export async function updateFormat(
  ctx: AuthedCtx,
  input: Partial<FormatFields> & { formatId: string; archived?: boolean | undefined },
) {
  const { formatId, archived, ...change } = input;
  // Who writes no formats at all is refused outright; a partner's admin finds another partner's format
  // exactly like a missing one (the catalogue is readable, but changing is per partner).
  const writesAny =
    ctx.actor.platformRole === 'platform-admin' || ctx.actor.partnerRoles.some((p) => p.role === 'partner-admin');
  if (!writesAny) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  const existing = await ctx.db.eventFormat.findFirst({ where: { id: formatId } });
  if (!existing || !mayWriteFormats(ctx.actor, existing.partnerId)) throw notFound();
  return ctx.platform.run(
    async (tx) => {
      const updated = await tx.eventFormat.update({
        where: { id: formatId },
        data: {
          ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
          ...(archived === undefined ? {} : { archivedAt: archived ? (existing.archivedAt ?? new Date()) : null }),
        },
        include: { partner: { select: { name: true } } },
      });
      return toFormatOutput(ctx.actor, updated);
    },
    {
      action: 'eventFormat.updated',
      actorUserId: ctx.session.userId,
      targetType: 'EventFormat',
      targetId: formatId,
      requestId: ctx.requestId,
      data: { fields: [...Object.keys(change), ...(archived === undefined ? [] : ['archived'])].join(',') },
    },
  );
}

/**
 * A hub adopts a format: the town's own draft event, filled from the
 * format (it keeps only the format's id; later changes to the catalogue do
 * not touch it). Capacity: as given, else the ideal one up to what the space holds.
 */
export async function adoptFormat(
  ctx: Ctx,
  input: { formatId: string; hubId: string; spaceId: string; capacity?: number | undefined },
) {
  const format = await ctx.db.eventFormat.findFirst({ where: { id: input.formatId, archivedAt: null } });
  if (!format) throw fieldError('formatId', 'errors.eventFormat.unknown');
  const space = await ctx.db.space.findFirst({ where: { tenantId: ctx.tenant.id, id: input.spaceId } });
  const capacity = input.capacity ?? Math.min(format.idealCapacity, space?.capacity ?? format.idealCapacity);
  return createEvent(
    ctx,
    {
      hubId: input.hubId,
      spaceId: input.spaceId,
      title: format.title,
      description: format.description,
      kind: format.kind as never,
      audience: format.audience as never,
      capacity,
      language: 'de',
      stepFree: false,
      hearingLoop: false,
      signLanguageOnRequest: false,
      accessibilityNotes: format.accessibilityNotes,
      attendanceMode: 'onsite',
      meetingUrl: null,
      maxSeatsPerRegistration: 1,
      registrationOpensAt: null,
      registrationClosesAt: null,
      waitlistMode: 'auto',
      offerHours: 24,
      retentionDays: 30,
    },
    format.id,
  );
}
