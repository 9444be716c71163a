import { Form, Link, NavLink, useLocation } from '@remix-run/react';
import { useT } from '~/i18n/use-t.ts';
import type { Me } from '~/lib/api-types.ts';
import { returnPath } from '~/lib/navigation.ts';
import { activeTownSlug, TownSwitcher } from './town-switcher.tsx';

/** The section's link is underlined on its sub-pages too; aria-current stays on the exact page. */
function sectionClass(pathname: string, section: string): string {
  return pathname === section || pathname.startsWith(`${section}/`) ? 'nav-link nav-link--section' : 'nav-link';
}

export function AppHeader({
  me,
  partnerTowns = [],
}: {
  me: Me | null;
  partnerTowns?: ReadonlyArray<{ slug: string; name: string }>;
}) {
  const { t } = useT();
  const location = useLocation();
  const activeSlug = activeTownSlug(location.pathname);
  // One's own towns first, then those one looks after through a partner (each once).
  const switchableTowns = me
    ? [...me.tenants, ...partnerTowns].filter((town, i, all) => all.findIndex((o) => o.slug === town.slug) === i)
    : [];
  const here = returnPath(location.pathname, location.search);
  const languageSwitch = (
    <Form method="post" action="/language" className="inline-form">
      <input type="hidden" name="lang" value={t('language.switchToLang')} />
      <input type="hidden" name="redirectTo" value={here} />
      <button type="submit" className="link-button" lang={t('language.switchToLang')} title={t('language.switchHint')}>
        {t('language.switchTo')}
      </button>
    </Form>
  );
  const showPartners = Boolean(me && (me.user.platformRole || me.partners.length > 0));
  return (
    <header className="site-header">
      <div className="site-header__bar container">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            H
          </span>
          <span className="brand__text">
            <span className="brand__name">{t('app.name')}</span>
            <span className="brand__tagline">{t('app.tagline')}</span>
          </span>
        </Link>
        {me ? null : languageSwitch}
        {me ? (
          /*
           * One menu for every width (docs/decisions/039): on a phone a disclosure
           * that opens without JavaScript; from 48rem on its content is laid out
           * open and the toggle hidden (styles.css, ::details-content).
           */
          <details className="site-menu">
            <summary className="site-menu__toggle button button--ghost">{t('app.menu')}</summary>
            <div className="site-menu__panel">
              <div className="site-menu__account">
                {languageSwitch}
                <span className="user-chip">
                  <span className="visually-hidden">{t('app.signedInAs')} </span>
                  <span className="user-chip__name">{me.user.name}</span>
                  <span className="user-chip__email">{me.user.email}</span>
                </span>
                <Link to="/account/password" className="link-button">
                  {t('account.password')}
                </Link>
                <Link to="/account/security" className="link-button">
                  {t('secondFactor.navLink')}
                </Link>
                <Link to="/account/sessions" className="link-button">
                  {t('sessions.navLink')}
                </Link>
                <Link to="/account/data" className="link-button">
                  {t('myData.navLink')}
                </Link>
                <Form method="post" action="/logout" className="inline-form">
                  <button type="submit" className="button button--ghost">
                    {t('app.signOut')}
                  </button>
                </Form>
              </div>
              <div className="site-nav">
                <div className="site-nav__inner">
                  <nav aria-label={t('app.mainNav')}>
                    <ul className="nav-list">
                      <li>
                        <NavLink to="/towns" end className={sectionClass(location.pathname, '/towns')}>
                          {t('nav.towns')}
                        </NavLink>
                      </li>
                      {showPartners ? (
                        <li>
                          <NavLink to="/partners" end className={sectionClass(location.pathname, '/partners')}>
                            {t('nav.partners')}
                          </NavLink>
                        </li>
                      ) : null}
                      {showPartners ? (
                        <li>
                          <NavLink to="/billing" end className={sectionClass(location.pathname, '/billing')}>
                            {t('nav.billing')}
                          </NavLink>
                        </li>
                      ) : null}
                      {me.user.platformRole === 'platform-admin' ? (
                        <li>
                          <NavLink to="/users/sessions" end className={sectionClass(location.pathname, '/users')}>
                            {t('nav.userSessions')}
                          </NavLink>
                        </li>
                      ) : null}
                      {showPartners ? (
                        <li>
                          <NavLink to="/audit" end className={sectionClass(location.pathname, '/audit')}>
                            {t('auditAll.link')}
                          </NavLink>
                        </li>
                      ) : null}
                    </ul>
                  </nav>
                  <TownSwitcher towns={switchableTowns} activeSlug={activeSlug} />
                </div>
              </div>
            </div>
          </details>
        ) : null}
      </div>
    </header>
  );
}
