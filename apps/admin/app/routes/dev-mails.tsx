import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { PageHeader } from '~/components/page-header.tsx';
import { env } from '~/env.server.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, notFound, requirePlatformAdmin } from '~/lib/api.server.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'devMail.title');

/**
 * "Gesendete E-Mails": local development has no SMTP server, so the API
 * stores mails instead of sending them; this page shows them (with their
 * links). It does not exist in production — the API refuses as well.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  if (env.isProduction) throw notFound();
  await requirePlatformAdmin(request);
  const api = await apiFor(request);
  const { items } = await load(request, () => api.mail.sent.query({}));
  return { mails: items };
}

export default function DevMails() {
  const { mails } = useLoaderData<typeof loader>();
  const { t, formatDate } = useT();
  return (
    <>
      <PageHeader title={t('devMail.title')} lead={t('devMail.intro')} />
      {mails.length === 0 ? (
        <p className="empty">{t('devMail.empty')}</p>
      ) : (
        <ul className="stack" aria-label={t('devMail.title')}>
          {mails.map((mail) => (
            <li key={mail.id} className="card">
              <article aria-labelledby={`mail-${mail.id}`}>
                <h2 id={`mail-${mail.id}`}>{mail.subject}</h2>
                <dl>
                  <dt>{t('devMail.to')}</dt>
                  <dd>{mail.to}</dd>
                  <dt>{t('devMail.created')}</dt>
                  <dd>{formatDate(mail.createdAt, 'dateTime')}</dd>
                  <dt>{t('devMail.status')}</dt>
                  <dd>{t(`devMail.statuses.${mail.status}`)}</dd>
                </dl>
                <pre className="mail-text">{mail.text}</pre>
              </article>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
