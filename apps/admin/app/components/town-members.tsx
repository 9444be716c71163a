import { Form, Link } from '@remix-run/react';
import { useT } from '~/i18n/use-t.ts';

export interface MemberRow {
  membershipId: string;
  name: string;
  email: string;
  role: 'town-admin' | 'hub-manager' | 'hub-staff' | 'member';
  /** The caller may change or remove this member (role ceilings, never oneself). */
  manageable: boolean;
}

/**
 * The town's members for its admins: change a member's role, or remove them
 * from the town. Removing asks first on its own page state (?remove=…), so
 * it works without JavaScript; the API decides what is allowed.
 */
export function TownMembers({
  town,
  members,
  nextCursor,
  removing,
  roles,
}: {
  town: { slug: string; name: string };
  members: MemberRow[];
  nextCursor: string | null;
  removing: MemberRow | null;
  roles: readonly MemberRow['role'][];
}) {
  const { t } = useT();
  const base = `/towns/${encodeURIComponent(town.slug)}/staff`;
  return (
    <section aria-labelledby="members-title" className="card">
      <h2 id="members-title">{t('members.title')}</h2>
      {removing ? (
        <div
          className="notice notice--warning"
          role="alertdialog"
          aria-labelledby="remove-title"
          aria-describedby="remove-text"
        >
          <h3 id="remove-title">{t('members.confirmTitle', { name: removing.name })}</h3>
          <p id="remove-text">{t('members.confirmText', { name: removing.name, town: town.name })}</p>
          <Form method="post" action={base} className="actions">
            <input type="hidden" name="intent" value="removeMember" />
            <input type="hidden" name="membershipId" value={removing.membershipId} />
            <input type="hidden" name="name" value={removing.name} />
            <button type="submit" className="button button--danger" autoFocus>
              {t('members.confirm')}
            </button>
            <Link to={base} className="button button--ghost">
              {t('members.cancel')}
            </Link>
          </Form>
        </div>
      ) : null}
      {members.length === 0 ? (
        <p className="empty">{t('members.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{t('members.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('members.name')}</th>
                <th scope="col">{t('members.email')}</th>
                <th scope="col">{t('members.role')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('members.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.membershipId}>
                  <th scope="row">{m.name}</th>
                  <td>{m.email}</td>
                  <td>
                    {m.manageable ? (
                      <Form method="post" className="actions">
                        <input type="hidden" name="intent" value="changeRole" />
                        <input type="hidden" name="membershipId" value={m.membershipId} />
                        <input type="hidden" name="name" value={m.name} />
                        <label className="visually-hidden" htmlFor={`role-${m.membershipId}`}>
                          {t('members.changeRoleFor', { name: m.name })}
                        </label>
                        <select
                          id={`role-${m.membershipId}`}
                          name="role"
                          className="input input--short"
                          defaultValue={m.role}
                        >
                          {roles.map((r) => (
                            <option key={r} value={r}>
                              {t(`staff.roles.${r}`)}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className="button button--ghost">
                          {t('members.changeRole')}
                        </button>
                      </Form>
                    ) : (
                      t(`staff.roles.${m.role}`)
                    )}
                  </td>
                  <td>
                    {m.manageable ? (
                      <Link
                        to={`${base}?remove=${m.membershipId}`}
                        className="button button--ghost"
                        aria-label={t('members.removeFor', { name: m.name })}
                      >
                        {t('members.remove')}
                      </Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor ? (
        <p>
          <Link to={`${base}?after=${nextCursor}`}>{t('members.more')}</Link>
        </p>
      ) : null}
    </section>
  );
}
