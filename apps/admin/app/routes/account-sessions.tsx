import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';
import { destroySessionCookie } from '~/lib/session.server.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'sessions.title');

export async function loader({ request }: LoaderFunctionArgs) {
  await requireMe(request);
  const cursor = new URL(request.url).searchParams.get('cursor') ?? undefined;
  const api = await apiFor(request);
  const page = await load(request, () => api.sessions.mine.query({ ...(cursor ? { cursor } : {}) }));
  return { sessions: page.items, nextCursor: page.nextCursor };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const intent = text(form, 'intent');
  const api = await apiFor(request);
  if (intent === 'end') {
    const sessionId = text(form, 'sessionId');
    const result = await mutate(request, () => api.sessions.end.mutate({ sessionId }));
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          ended: 0,
          errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        },
        { status: 400 },
      );
    // Ending the session of this very browser is signing out.
    if (text(form, 'current') === '1')
      throw redirect('/login', { headers: { 'Set-Cookie': await destroySessionCookie(request) } });
    return { ok: true as const, intent, ended: 1, errors: null };
  }
  if (intent === 'endOthers') {
    const result = await mutate(request, () => api.sessions.endOthers.mutate({}));
    if (!result.ok)
      return data(
        {
          ok: false as const,
          intent,
          ended: 0,
          errors: { formError: result.formError, fieldErrors: result.fieldErrors },
        },
        { status: 400 },
      );
    return { ok: true as const, intent, ended: result.data.sessionsEnded, errors: null };
  }
  throw notFound();
}

export default function AccountSessions() {
  const { sessions, nextCursor } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t, formatDate } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {});
  const others = sessions.filter((s) => !s.current).length;
  return (
    <>
      <PageHeader title={t('sessions.title')} lead={t('sessions.intro')} />
      <ErrorSummary items={errors.summary} />
      {result?.ok ? (
        <p className="notice notice--success" role="status">
          {t('sessions.ended', { count: result.ended })}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="table">
          <caption>{t('sessions.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sessions.device')}</th>
              <th scope="col">{t('sessions.ip')}</th>
              <th scope="col">{t('sessions.created')}</th>
              <th scope="col">{t('sessions.lastSeen')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('sessions.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr key={session.id}>
                <td>
                  {session.userAgent ?? t('sessions.unknownDevice')}
                  {session.current ? <strong className="session-current"> ({t('sessions.current')})</strong> : null}
                </td>
                <td>{session.clientIp ?? t('common.none')}</td>
                <td>{formatDate(session.createdAt, 'dateTime')}</td>
                <td>{formatDate(session.lastSeenAt, 'dateTime')}</td>
                <td>
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="end" />
                    <input type="hidden" name="sessionId" value={session.id} />
                    {session.current ? <input type="hidden" name="current" value="1" /> : null}
                    <button type="submit" className="button button--ghost">
                      {session.current ? t('sessions.endCurrent') : t('sessions.end')}
                      <span className="visually-hidden">
                        {' '}
                        {t('sessions.endLabel', { created: formatDate(session.createdAt, 'dateTime') })}
                      </span>
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {nextCursor ? (
        <p>
          <Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>{t('sessions.more')}</Link>
        </p>
      ) : null}
      {others > 0 ? (
        <Form method="post" className="form">
          <input type="hidden" name="intent" value="endOthers" />
          <div className="form__actions">
            <SubmitButton
              label={t('sessions.endOthers')}
              pendingLabel={t('common.pleaseWait')}
              variant="secondary"
              pendingWhen={{ intent: 'endOthers' }}
            />
          </div>
        </Form>
      ) : null}
    </>
  );
}
