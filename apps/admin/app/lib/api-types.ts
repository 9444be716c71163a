import type { TRPCClient } from '@trpc/client';
// Type only: the admin never loads the API's runtime code.
import type { AppRouter } from '@hubwerk/api';

type Client = TRPCClient<AppRouter>;
type Output<P extends { query: (...args: never[]) => unknown } | { mutate: (...args: never[]) => unknown }> =
  P extends {
    query: (...args: never[]) => infer R;
  }
    ? Awaited<R>
    : P extends { mutate: (...args: never[]) => infer R }
      ? Awaited<R>
      : never;

export type Me = Output<Client['auth']['me']>;
export type TenantList = Output<Client['tenants']['list']>;
export type TenantDetail = Output<Client['tenants']['get']>;
export type PartnerList = Output<Client['partners']['list']>;
export type PartnerDetail = Output<Client['partners']['get']>;
export type InvitationPreview = Output<Client['invitations']['preview']>;
