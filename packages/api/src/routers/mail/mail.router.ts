import { z } from 'zod';
import { mailSettings } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { platformProcedure, router } from '../../trpc.ts';
import { allow, noIds, provider } from '../../contracts.ts';

const DEV_OUTBOX_LIMIT = 100;

export const mailRouter = router({
  /**
   * "Gesendete E-Mails": the newest mails of the outbox, for local dev
   * without SMTP. Off in production (not found, like an unknown procedure);
   * platform admins only, since the stored texts carry single-use links.
   */
  sent: platformProcedure
    .meta({
      // Dev outbox (stored texts carry single-use links): the provider's admins only; support is refused.
      access: allow(provider),
      isolation: noIds('dev-only list of stored mails for platform admins; takes no ids'),
    })
    .input(z.object({}).strict().prefault({}))
    .output(
      z.object({
        items: z.array(
          z.object({
            id: z.string(),
            kind: z.string(),
            to: z.string(),
            subject: z.string(),
            text: z.string(),
            status: z.enum(['pending', 'sent', 'stored', 'failed']),
            createdAt: z.iso.datetime(),
          }),
        ),
      }),
    )
    .query(async ({ ctx }) => {
      if (!mailSettings(ctx).devOutbox) throw notFound();
      if (ctx.actor.platformRole !== 'platform-admin') throw new DomainError('FORBIDDEN', 'errors.forbidden');
      const rows = await ctx.platform.run(
        (tx) => tx.outboxEmail.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: DEV_OUTBOX_LIMIT }),
        { action: 'mail.devOutboxViewed', actorUserId: ctx.session.userId, requestId: ctx.requestId },
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          to: r.toAddress,
          subject: r.subject,
          text: r.textBody,
          status: r.status.toLowerCase() as 'pending' | 'sent' | 'stored' | 'failed',
          createdAt: r.createdAt.toISOString(),
        })),
      };
    }),
});
