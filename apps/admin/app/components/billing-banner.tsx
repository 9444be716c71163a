import { Link } from '@remix-run/react';
import { useT } from '~/i18n/use-t.ts';

export interface BillingBannerStatus {
  paymentWarning: boolean;
  readOnly: 'payment-overdue' | null;
  readOnlyFrom: string | null;
}

/** Shown on every page of a town whose payment failed; says what happens when, and where to pay. */
export function BillingBanner({
  status,
  slug,
  showLink = true,
}: {
  status: BillingBannerStatus;
  slug: string;
  showLink?: boolean;
}) {
  const { t, formatDate } = useT();
  if (!status.paymentWarning && !status.readOnly) return null;
  const date = status.readOnlyFrom ? formatDate(status.readOnlyFrom) : '';
  return (
    <div className="notice notice--warning" role="alert" data-testid="billing-banner">
      <p>{status.readOnly ? t('billing.bannerReadOnly', { date }) : t('billing.bannerWarning', { date })}</p>
      {showLink ? (
        <p>
          <Link to={`/towns/${encodeURIComponent(slug)}/billing`}>{t('billing.bannerLink')}</Link>
        </p>
      ) : null}
    </div>
  );
}
