import { useEffect, useRef, type ReactNode } from 'react';
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

/**
 * The page after creating something that comes with an invitation (a town,
 * a partner): focus moves here so screen readers announce the outcome, the
 * link is ready to copy, and `children` offer where to go next.
 */
export function InvitationCreated({ id, title, intro, linkLabel, url, children }: { id: string; title: string; intro: string; linkLabel: string; url: string; children: ReactNode }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => panel.current?.focus(), []);
  return (
    <div ref={panel} tabIndex={-1} className="card notice notice--success" role="status" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p>{intro}</p>
      <InvitationLink id="invitation-url" label={linkLabel} url={url} />
      <ul className="link-list">{children}</ul>
    </div>
  );
}
