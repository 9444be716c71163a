import type { MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { PageHeader } from '~/components/page-header.tsx';
import { useT } from '~/i18n/use-t.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction = (args) => pageTitle(args, 'myData.deletedTitle');

/** Where a deleted account lands: signed out, told what stays. */
export default function AccountDeleted() {
  const { t } = useT();
  return (
    <div className="narrow">
      <PageHeader title={t('myData.deletedTitle')} />
      <p className="notice notice--success" role="status">
        {t('myData.deletedText')}
      </p>
      <p>
        <Link to="/login">{t('myData.toLogin')}</Link>
      </p>
    </div>
  );
}
