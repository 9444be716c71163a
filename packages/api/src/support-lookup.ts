import type { AppClient } from '@hubwerk/db';

export interface ActiveSupportSession {
  id: string;
  reason: string;
  expiresAt: Date;
}

/**
 * The caller's running support session in the town in scope, if any. Must run
 * in the town's scope (row-level security); "running" is decided by the
 * database clock, so an expired session grants nothing on the next request.
 */
export async function activeSupportSession(
  db: AppClient,
  tenantId: string,
  staffUserId: string,
): Promise<ActiveSupportSession | null> {
  return db.supportSession.findFirst({
    where: { tenantId, staffUserId, endedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { startedAt: 'desc' },
    select: { id: true, reason: true, expiresAt: true },
  });
}
