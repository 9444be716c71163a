import { useT } from '~/i18n/use-t.ts';

/** The invitation link in a read-only field that selects itself, ready to copy. */
export function InvitationLink({ id, label, url }: { id: string; label: string; url: string }) {
  const { t } = useT();
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <p id={`${id}-hint`} className="field__hint">
        {t('common.copyHint')}
      </p>
      <input
        id={id}
        className="input input--code"
        type="text"
        readOnly
        value={url}
        aria-describedby={`${id}-hint`}
        onFocus={(event) => event.currentTarget.select()}
      />
    </div>
  );
}
