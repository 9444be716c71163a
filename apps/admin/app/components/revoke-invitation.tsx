import { Form } from '@remix-run/react';
import { useT } from '~/i18n/use-t.ts';

/** The "Zurückziehen" button of an open invitation, for the page's own action (intent "revoke"). */
export function RevokeInvitation({ invitation }: { invitation: { id: string; email: string; status: string } }) {
  const { t } = useT();
  if (invitation.status !== 'open') return null;
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="revoke" />
      <input type="hidden" name="invitationId" value={invitation.id} />
      <button
        type="submit"
        className="button button--ghost"
        aria-label={t('staff.revokeFor', { email: invitation.email })}
      >
        {t('staff.revoke')}
      </button>
    </Form>
  );
}
