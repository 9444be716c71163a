import { Form } from '@remix-run/react';
import { useT } from '~/i18n/use-t.ts';

/** The town of the page being shown (towns/:slug/…), if any; "new" is the onboarding page, no town. */
export function activeTownSlug(pathname: string): string | null {
  const match = /^\/towns\/([^/]+)/.exec(pathname);
  if (!match?.[1] || match[1] === 'new') return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/**
 * Switches the active town: a plain GET form (works without JavaScript, and
 * with the keyboard like any select and button) to /switch-town, which sends
 * the browser to the chosen town's page. The town page decides whether the
 * user may see it, so this list is a convenience, not a permission.
 */
export function TownSwitcher({
  towns,
  activeSlug,
}: {
  towns: ReadonlyArray<{ slug: string; name: string }>;
  activeSlug: string | null;
}) {
  const { t } = useT();
  if (towns.length === 0) return null;
  const active = towns.some((town) => town.slug === activeSlug) ? activeSlug : null;
  return (
    <Form method="get" action="/switch-town" className="town-switcher inline-form">
      <label htmlFor="town-switch" className="town-switcher__label">
        {t('townSwitch.label')}
      </label>
      <select
        id="town-switch"
        name="town"
        className="select select--compact"
        defaultValue={active ?? ''}
        key={active ?? 'none'}
      >
        {active === null ? <option value="">{t('townSwitch.choose')}</option> : null}
        {towns.map((town) => (
          <option key={town.slug} value={town.slug}>
            {town.name}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--ghost">
        {t('townSwitch.submit')}
      </button>
    </Form>
  );
}
