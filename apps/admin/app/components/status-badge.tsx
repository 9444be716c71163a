import { useT } from '~/i18n/use-t.ts';

export type TenantStatus = 'onboarding' | 'active' | 'suspended' | 'offboarded';

export function StatusBadge({ status }: { status: TenantStatus }) {
  const { t } = useT();
  return <span className={`badge badge--${status}`}>{t(`towns.status.${status}`)}</span>;
}
