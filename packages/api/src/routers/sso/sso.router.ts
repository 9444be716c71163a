import { z } from 'zod';
import { email, id, secret, slug, text } from '../../schemas.ts';
import { authedProcedure, publicProcedure, router, tenantInput, tenantProcedure } from '../../trpc.ts';
import { getPartnerConfig, getTownConfig, savePartnerConfig, saveTownConfig } from './sso-config.service.ts';
import { finishSso, startSso } from './sso-login.service.ts';
import { allow, everyone, foreignIds, hubWriters, noIds } from '../../contracts.ts';

/** A lower-case domain name (no scheme, no @): "einbeck.de", "verwaltung.landkreis-northeim.de". */
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253, 'validation.tooLong')
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'validation.sso.domain');

const configFields = {
  issuer: text(500).pipe(z.url({ protocol: /^https?$/, error: 'validation.sso.issuer' })),
  clientId: text(200, { min: 1 }),
  /** Empty keeps the stored secret; it is never sent back. */
  clientSecret: secret(500).default(''),
  allowedDomains: z
    .array(domain)
    .min(1, 'validation.sso.domainsRequired')
    .max(20, 'validation.tooLong')
    .transform((list) => [...new Set(list)]),
  enabled: z.boolean(),
};

const defaultRole = z.enum(['member', 'hub-staff'], { error: 'validation.invalid' });

const configView = z.object({
  issuer: z.string(),
  clientId: z.string(),
  /** Only whether a secret is stored; the secret itself never leaves the API. */
  hasClientSecret: z.literal(true),
  allowedDomains: z.array(z.string()),
  enabled: z.boolean(),
  updatedAt: z.iso.datetime(),
});

const townConfigOutput = z.object({
  config: configView.extend({ defaultRole }).nullable(),
  callbackUrl: z.string().nullable(),
});
const partnerConfigOutput = z.object({ config: configView.nullable(), callbackUrl: z.string().nullable() });

export const ssoRouter = router({
  /** The town's provider settings (town admins, its partner, the provider's admins). */
  townConfig: tenantProcedure
    .meta({
      // A town's sign-in provider: whoever may add people to the town (abilities.ts), like staff invitations.
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(tenantInput.strict())
    .output(townConfigOutput)
    .query(({ ctx }) => getTownConfig(ctx)),

  saveTownConfig: tenantProcedure
    .meta({
      access: allow(hubWriters),
      isolation: foreignIds(),
    })
    .input(tenantInput.extend({ ...configFields, defaultRole: defaultRole.default('member') }).strict())
    .output(townConfigOutput)
    .mutation(({ ctx, input }) => saveTownConfig(ctx, input)),

  partnerConfig: authedProcedure
    .meta({
      // A partner's provider: its partner admins and the provider's admins; support reads.
      access: allow(['platform-admin', 'platform-support', 'partner-admin'], ['partner-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ partnerId: id }).strict())
    .output(partnerConfigOutput)
    .query(({ ctx, input }) => getPartnerConfig(ctx, input)),

  savePartnerConfig: authedProcedure
    .meta({
      access: allow(['platform-admin', 'partner-admin'], ['partner-staff']),
      isolation: foreignIds(),
    })
    .input(z.object({ partnerId: id, ...configFields }).strict())
    .output(partnerConfigOutput)
    .mutation(({ ctx, input }) => savePartnerConfig(ctx, input)),

  /** Public: where to send the browser for the user's (or the named town's) provider. */
  start: publicProcedure
    .meta({
      // Public sign-in steps: the answer depends on the email and the callback, not on who calls.
      access: allow(everyone),
      isolation: noIds(
        'public; takes an email address (and a town to choose among several providers); sso.integration.test.ts checks who it signs in where',
      ),
    })
    .input(z.object({ email, tenant: slug.trim().min(1).max(80).optional() }).strict())
    .output(z.object({ authorizationUrl: z.string() }))
    .mutation(({ ctx, input }) => startSso(ctx, input)),

  /** Public: the provider's callback query (code, state, iss); answers with a session like auth.signIn. */
  finish: publicProcedure
    .meta({
      access: allow(everyone),
      isolation: noIds('public; the single-use state is the credential (sso.integration.test.ts)'),
    })
    .input(z.object({ query: text(4000).pipe(z.string().min(1, 'errors.sso.invalidState')) }).strict())
    .output(z.object({ token: z.string(), expiresAt: z.iso.datetime() }))
    .mutation(({ ctx, input }) => finishSso(ctx, input)),
});
