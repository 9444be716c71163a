import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import { AppHeader } from '~/components/app-header.tsx';
import { Breadcrumbs } from '~/components/breadcrumbs.tsx';
import { DEFAULT_LANG } from '~/i18n/index.ts';
import { useT } from '~/i18n/use-t.ts';
import { SupportBanner } from '~/components/support-banner.tsx';
import { getMe } from '~/lib/api.server.ts';
import { runningSupportSessions } from '~/lib/support.server.ts';
import { partnerTownsFor } from '~/lib/town-switch.server.ts';
import { useNonce } from '~/lib/nonce.ts';
import { pageTitle } from '~/lib/meta.ts';
import { resolveLang } from '~/lib/session.server.ts';
import stylesHref from '~/styles.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesHref },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

// Every page inherits these (routes without their own `headers` use the parent's).
export const headers: HeadersFunction = () => ({
  // Pages show personal and town data: never from a shared cache or the back button after sign-out.
  'Cache-Control': 'private, no-store',
  // Invitation links carry their token in the path: never send it on as a referrer.
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
});

export const meta: MetaFunction = (args) => pageTitle(args, 'app.tagline');

export async function loader({ request }: LoaderFunctionArgs) {
  const [lang, me] = await Promise.all([resolveLang(request), getMe(request)]);
  const [supportSessions, partnerTowns] = await Promise.all([
    runningSupportSessions(request, me),
    partnerTownsFor(request, me),
  ]);
  return { lang, me, supportSessions, partnerTowns };
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const { t } = useT();
  const nonce = useNonce();
  return (
    <html lang={data?.lang ?? DEFAULT_LANG}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          {t('app.skipLink')}
        </a>
        {data?.me ? <SupportBanner sessions={data.supportSessions} userName={data.me.user.name} /> : null}
        <AppHeader me={data?.me ?? null} partnerTowns={data?.partnerTowns ?? []} />
        <main id="main" tabIndex={-1} className="container main">
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">{t('app.footer')}</div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const data = useRouteLoaderData<typeof loader>('root');
  // Signed-in pages say where they are; the error page (below) has no place in the tree.
  return (
    <>
      {data?.me ? <Breadcrumbs /> : null}
      <Outlet />
    </>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useT();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <div className="message-page">
        <h1>{t('notFound.title')}</h1>
        <p>{t('notFound.text')}</p>
        <p>
          <Link to="/" className="button button--primary">
            {t('notFound.home')}
          </Link>
        </p>
      </div>
    );
  }
  const unavailable = isRouteErrorResponse(error) && error.status === 503;
  return (
    <div className="message-page">
      <h1>{t('errorPage.title')}</h1>
      <p>{unavailable ? t('errors.unavailable') : t('errorPage.text')}</p>
      {import.meta.env.DEV && error instanceof Error ? <pre className="dev-error">{error.stack}</pre> : null}
      <p>
        <Link to="/" className="button button--primary">
          {t('errorPage.home')}
        </Link>
      </p>
    </div>
  );
}
