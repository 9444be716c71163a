import { Form, useLocation } from '@remix-run/react';
import { returnPath } from '~/lib/navigation.ts';
import { useT } from '~/i18n/use-t.ts';

export interface RunningSupportSession {
  id: string;
  tenant: { slug: string; name: string };
  reason: string;
  expiresAt: string;
}

/**
 * Shown on every page while the signed-in staff member acts on behalf of a
 * town (ADR 011): who, which town, until when, and a button that ends it.
 * Above the header, in strong colours, so it cannot be overlooked.
 */
export function SupportBanner({ sessions, userName }: { sessions: RunningSupportSession[]; userName: string }) {
  const { t, formatDate } = useT();
  const location = useLocation();
  if (sessions.length === 0) return null;
  return (
    <section className="support-banner" aria-label={t('support.bannerLabel')} data-testid="support-banner">
      <div className="container">
        {sessions.map((s) => (
          <div key={s.id} className="support-banner__session">
            <p>
              <strong>
                {t('support.banner', { town: s.tenant.name, until: formatDate(s.expiresAt, 'dateTime') })}
              </strong>{' '}
              <span>{t('support.bannerReason', { reason: s.reason })}</span>{' '}
              <span>{t('support.bannerBy', { name: userName })}</span>
            </p>
            <Form method="post" action="/support/end" className="inline-form">
              <input type="hidden" name="tenant" value={s.tenant.slug} />
              <input type="hidden" name="redirectTo" value={returnPath(location.pathname, location.search)} />
              <button type="submit" className="button support-banner__end">
                {t('support.end')}
              </button>
            </Form>
          </div>
        ))}
      </div>
    </section>
  );
}
