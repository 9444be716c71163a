// TEMPORARY: the API contract from the brief, as types, until packages/api lands.
// Only its type is used (import type); delete when '@hubwerk/api' exports AppRouter.
import { initTRPC } from '@trpc/server';
import { z } from 'zod';

type FieldErrors = Record<string, string[]>;
const t = initTRPC.create({
  errorFormatter: ({ shape }) => ({
    ...shape,
    data: { ...shape.data, messageKey: undefined as string | undefined, fieldErrors: undefined as FieldErrors | undefined },
  }),
});
const out = <O>() => async (): Promise<O> => null as never;

type Status = 'onboarding' | 'active' | 'suspended' | 'offboarded';
type Kind = 'it-partner' | 'regional-provider';
type Hub = { id: string; slug: string; name: string; thematicFocus: string | null; city: string | null };
type Me = {
  user: { id: string; email: string; name: string; platformRole: 'platform-admin' | 'platform-support' | null };
  tenants: { slug: string; name: string; role: 'town-admin' | 'hub-manager' | 'hub-staff' | 'member' }[];
  partners: { id: string; slug: string; name: string; kind: Kind; role: 'partner-admin' | 'partner-staff' }[];
};
type TenantList = {
  items: { id: string; slug: string; name: string; ags: string; bundesland: string; status: Status; partner: { id: string; name: string } | null; hubCount: number }[];
  nextCursor: string | null;
};
type TenantDetail = {
  id: string; slug: string; name: string; ags: string; bundesland: string; status: Status; timezone: string;
  partner: { id: string; name: string } | null; hubs: Hub[]; can: { createHub: boolean; renameHub: boolean; assignPartner: boolean };
};

export const appRouter = t.router({
  auth: t.router({
    signIn: t.procedure.input(z.object({ email: z.string(), password: z.string() }).strict()).mutation(out<{ token: string; expiresAt: string }>()),
    signOut: t.procedure.input(z.object({}).strict()).mutation(out<{ ok: true }>()),
    me: t.procedure.query(out<Me>()),
  }),
  tenants: t.router({
    list: t.procedure.input(z.object({ cursor: z.string().optional(), limit: z.number().optional() }).strict()).query(out<TenantList>()),
    get: t.procedure.input(z.object({ tenant: z.string() }).strict()).query(out<TenantDetail>()),
    onboard: t.procedure
      .input(z.object({ name: z.string(), ags: z.string(), bundesland: z.string(), partnerId: z.string().nullable().optional(), hubName: z.string(), adminEmail: z.string(), idempotencyKey: z.string() }).strict())
      .mutation(out<{ tenant: { id: string; slug: string; name: string }; invitationUrl: string }>()),
    assignPartner: t.procedure.input(z.object({ tenantId: z.string(), partnerId: z.string().nullable() }).strict()).mutation(out<{ ok: true }>()),
  }),
  partners: t.router({
    list: t.procedure.input(z.object({}).strict()).query(out<{ items: { id: string; slug: string; name: string; kind: Kind; region: string; tenantCount: number }[] }>()),
    get: t.procedure
      .input(z.object({ partnerId: z.string() }).strict())
      .query(out<{ id: string; slug: string; name: string; kind: Kind; region: string; tenants: { id: string; slug: string; name: string; status: Status }[] }>()),
    register: t.procedure
      .input(z.object({ kind: z.enum(['it-partner', 'regional-provider']), name: z.string(), region: z.string(), adminEmail: z.string(), idempotencyKey: z.string() }).strict())
      .mutation(out<{ partner: { id: string; slug: string; name: string }; invitationUrl: string }>()),
  }),
  hubs: t.router({
    create: t.procedure.input(z.object({ tenant: z.string(), name: z.string(), thematicFocus: z.string().optional(), city: z.string().optional() }).strict()).mutation(out<Hub>()),
    rename: t.procedure.input(z.object({ tenant: z.string(), hubId: z.string(), name: z.string() }).strict()).mutation(out<Hub>()),
  }),
  invitations: t.router({
    preview: t.procedure
      .input(z.object({ token: z.string() }).strict())
      .query(out<{ email: string; target: { kind: 'tenant' | 'partner'; name: string }; role: string; status: 'open' | 'expired' | 'accepted' | 'revoked' }>()),
    accept: t.procedure.input(z.object({ token: z.string(), name: z.string(), password: z.string() }).strict()).mutation(out<{ token: string; expiresAt: string }>()),
  }),
});
export type AppRouter = typeof appRouter;
