import { useEffect, useRef } from 'react';
import { useT } from '~/i18n/use-t.ts';
import type { SummaryItem } from '~/lib/forms.ts';

/**
 * Lists what went wrong at the top of a form and takes the focus after a
 * failed submit, so keyboard and screen-reader users land on it.
 */
export function ErrorSummary({ items, id = 'error-summary' }: { items: SummaryItem[]; id?: string }) {
  const { t } = useT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (items.length > 0) ref.current?.focus();
  }, [items]);
  if (items.length === 0) return null;
  const titleId = `${id}-title`;
  return (
    <div id={id} ref={ref} className="error-summary" role="alert" aria-labelledby={titleId} tabIndex={-1}>
      <h2 id={titleId} className="error-summary__title">
        {t('form.errorSummaryTitle')}
      </h2>
      <ul className="error-summary__list">
        {items.map((item, index) => (
          <li key={`${item.href ?? ''}-${index}`}>
            {item.href ? <a href={item.href}>{item.message}</a> : item.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
