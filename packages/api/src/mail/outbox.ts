import type { Prisma } from '@hubwerk/db';
import type { RenderedMail } from './templates.ts';

/** What can enqueue: a platform transaction or a town's transaction on the app client. */
export interface OutboxWriter {
  outboxEmail: { createMany(args: { data: Prisma.OutboxEmailCreateManyInput[] }): Promise<unknown> };
}

/**
 * Enqueues a mail in the caller's transaction: it is delivered only if that
 * transaction commits. createMany, not create: the app role may INSERT but
 * not SELECT the outbox, and create would read the row back (RETURNING).
 */
export async function enqueueMail(tx: OutboxWriter, kind: string, to: string, mail: RenderedMail): Promise<void> {
  await tx.outboxEmail.createMany({ data: [{ kind, toAddress: to, subject: mail.subject, textBody: mail.text }] });
}
