import { INTERVALS, PLAN_IDS } from '@hubwerk/billing';
import { z } from 'zod';
import { authedProcedure, router, tenantProcedure } from '../../trpc.ts';
import { ok, optionalText, slug } from '../../schemas.ts';
import {
  billingOverview,
  billingStatus,
  getBilling,
  listPlans,
  openPortal,
  startCheckout,
  updateContact,
} from './billing.service.ts';
import { allow, billingManagers, billingReaders, foreignIds, noIds, signedIn, townReaders } from '../../contracts.ts';

const planId = z.enum(PLAN_IDS, { error: 'validation.invalid' });
const interval = z.enum(INTERVALS, { error: 'validation.invalid' });
const subscriptionStatus = z.enum(['none', 'incomplete', 'trialing', 'active', 'past-due', 'unpaid', 'canceled']);
const money = z.object({ netCents: z.number().int(), vatCents: z.number().int(), grossCents: z.number().int() });
const contact = z.object({
  contactName: z.string().nullable(),
  contactEmail: z.string().nullable(),
  street: z.string().nullable(),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  vatId: z.string().nullable(),
});
const tenantOnly = z.object({ tenant: slug }).strict();

export const billingRouter = router({
  plans: authedProcedure
    .meta({
      access: allow(signedIn),
      isolation: noIds('the public price list'),
    })
    .input(z.object({}).strict().prefault({}))
    .output(
      z.array(
        z.object({
          id: planId,
          maxHubs: z.number().int().nullable(),
          sso: z.boolean(),
          prices: z.array(money.extend({ interval })),
        }),
      ),
    )
    .query(() => listPlans()),

  status: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(tenantOnly)
    .output(
      z.object({
        plan: planId,
        status: subscriptionStatus,
        paymentWarning: z.boolean(),
        readOnly: z.enum(['payment-overdue']).nullable(),
        readOnlyFrom: z.string().nullable(),
        fakeStripe: z.boolean(),
        canManage: z.boolean(),
        canView: z.boolean(),
      }),
    )
    .query(({ ctx }) => billingStatus(ctx)),

  get: tenantProcedure
    .meta({
      access: allow(billingReaders),
      isolation: foreignIds(),
    })
    .input(tenantOnly)
    .output(
      z.object({
        plan: planId,
        interval: interval.nullable(),
        status: subscriptionStatus,
        price: money.nullable(),
        nextInvoiceAt: z.string().nullable(),
        cancelAtPeriodEnd: z.boolean(),
        pastDueSince: z.string().nullable(),
        paymentWarning: z.boolean(),
        readOnly: z.enum(['payment-overdue']).nullable(),
        readOnlyFrom: z.string().nullable(),
        contact,
        invoices: z.array(
          z.object({
            number: z.string().nullable(),
            createdAt: z.string(),
            netCents: z.number().int(),
            vatCents: z.number().int(),
            totalCents: z.number().int(),
            currency: z.string(),
            status: z.string(),
            url: z.string().nullable(),
            pdfUrl: z.string().nullable(),
          }),
        ),
        fakeStripe: z.boolean(),
        canManage: z.boolean(),
      }),
    )
    .query(({ ctx }) => getBilling(ctx)),

  startCheckout: tenantProcedure
    .meta({
      access: allow(billingManagers),
      isolation: foreignIds(),
      whileReadOnly: true,
    })
    .input(z.object({ tenant: slug, plan: planId, interval }).strict())
    .output(z.object({ url: z.string() }))
    .mutation(({ ctx, input }) => startCheckout(ctx, { plan: input.plan, interval: input.interval })),

  openPortal: tenantProcedure
    .meta({
      access: allow(billingManagers),
      isolation: foreignIds(),
      whileReadOnly: true,
    })
    .input(tenantOnly)
    .output(z.object({ url: z.string() }))
    .mutation(({ ctx }) => openPortal(ctx)),

  updateContact: tenantProcedure
    .meta({
      access: allow(billingManagers),
      isolation: foreignIds(),
      whileReadOnly: true,
    })
    .input(
      z
        .object({
          tenant: slug,
          contactName: optionalText(120),
          contactEmail: z
            .string()
            .trim()
            .toLowerCase()
            .max(254, 'validation.tooLong')
            .pipe(z.union([z.literal(''), z.email({ error: 'validation.email' })]))
            .optional()
            .transform((v) => v || null),
          street: optionalText(200),
          postalCode: z
            .string()
            .trim()
            .regex(/^(\d{5})?$/, 'validation.postalCode')
            .optional()
            .transform((v) => v || null),
          city: optionalText(120),
          // German USt-IdNr.: DE + 9 digits (optional; many towns have none).
          vatId: z
            .string()
            .trim()
            .toUpperCase()
            .regex(/^(DE\d{9})?$/, 'validation.vatId')
            .optional()
            .transform((v) => v || null),
        })
        .strict(),
    )
    .output(ok)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...fields } = input;
      return updateContact(ctx, fields);
    }),

  overview: authedProcedure
    .meta({
      access: allow(['platform-admin', 'platform-support', 'partner-admin']),
      isolation: noIds('takes no ids; billing.integration.test.ts checks partners see only their towns'),
    })
    .input(z.object({}).strict().prefault({}))
    .output(
      z.object({
        items: z.array(
          z.object({
            slug: z.string(),
            name: z.string(),
            plan: planId,
            interval: interval.nullable(),
            status: subscriptionStatus,
            mrrCents: z.number().int(),
            paymentWarning: z.boolean(),
            readOnly: z.boolean(),
          }),
        ),
        totalMrrCents: z.number().int(),
        fakeStripe: z.boolean(),
      }),
    )
    .query(({ ctx }) => billingOverview(ctx)),
});
