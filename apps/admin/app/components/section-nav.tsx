import { NavLink } from '@remix-run/react';

export interface NavGroup {
  label: string;
  links: Array<{ to: string; label: string; end?: boolean | undefined }>;
}

/**
 * A town's or hub's navigation: the everyday tasks first, administration as
 * a group of its own. Plain links that wrap on narrow screens (no script).
 */
export function SectionNav({ label, groups }: { label: string; groups: NavGroup[] }) {
  return (
    <nav aria-label={label} className="section-nav">
      {groups.map((group, i) => (
        <div
          key={group.label}
          className={i === 0 ? 'section-nav__group' : 'section-nav__group section-nav__group--admin'}
        >
          <span className="section-nav__label" id={`section-nav-${i}`}>
            {group.label}
          </span>
          <ul className="section-nav__list" aria-labelledby={`section-nav-${i}`}>
            {group.links.map((link) => (
              <li key={link.to}>
                <NavLink to={link.to} end={link.end ?? false} className="section-nav__link">
                  {link.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
