/**
 * A fake Stripe at the network edge: msw handlers that emulate exactly the
 * endpoints Hubwerk uses, answered in Stripe's shapes, so the real `stripe`
 * SDK runs unchanged in tests and in offline development (no keys). The
 * state is in memory; `checkout`/`failPayment`/`payInvoice` play what a
 * customer or the bank would do and return the events Stripe would send.
 */
import { randomUUID } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';
import { setupServer, type SetupServerApi } from 'msw/node';
import Stripe from 'stripe';

const API = 'https://api.stripe.com';

export interface FakeCustomer {
  id: string;
  object: 'customer';
  created: number;
  name: string | null;
  email: string | null;
  address: { line1: string | null; postal_code: string | null; city: string | null; country: string | null } | null;
  metadata: Record<string, string>;
  livemode: false;
}

export interface FakeTaxId {
  id: string;
  object: 'tax_id';
  created: number;
  customer: string;
  type: 'eu_vat';
  value: string;
  country: string;
  verification: { status: 'pending'; verified_address: null; verified_name: null };
  livemode: false;
}

export interface FakeSubscription {
  id: string;
  object: 'subscription';
  created: number;
  customer: string;
  status: Stripe.Subscription.Status;
  cancel_at_period_end: boolean;
  metadata: Record<string, string>;
  items: {
    object: 'list';
    data: Array<{
      id: string;
      object: 'subscription_item';
      price: { id: string; object: 'price' };
      quantity: number;
      current_period_start: number;
      current_period_end: number;
    }>;
  };
  livemode: false;
}

export interface FakeInvoice {
  id: string;
  object: 'invoice';
  created: number;
  customer: string;
  number: string;
  status: 'open' | 'paid';
  currency: 'eur';
  /** Net, tax and gross, as Stripe reports them with tax rates / Stripe Tax (German VAT 19 %). */
  subtotal: number;
  total_excluding_tax: number;
  total_taxes: Array<{
    amount: number;
    tax_behavior: 'exclusive';
    taxability_reason: 'standard_rated';
    taxable_amount: number;
    type: 'tax_rate_details';
    tax_rate_details: { tax_rate: string };
  }>;
  total: number;
  hosted_invoice_url: string;
  invoice_pdf: string;
  parent: { type: 'subscription_details'; subscription_details: { subscription: string } };
  livemode: false;
}

export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  mode: 'subscription';
  customer: string;
  client_reference_id: string | null;
  price: string;
  success_url: string;
  cancel_url: string | null;
  status: 'open' | 'complete';
  subscription: string | null;
  url: string;
}

export interface FakePortalSession {
  id: string;
  object: 'billing_portal.session';
  customer: string;
  return_url: string;
  url: string;
  livemode: false;
  /** A deep link into "confirm this plan change" (flow_data subscription_update_confirm). */
  plan_change: { subscription: string; item: string; price: string; return_url: string } | null;
}

export interface FakeStripeOptions {
  /** Where the fake Checkout and Portal pages are served (the API's /fake-stripe); a function when the port is known only later. */
  pagesBaseUrl?: string | (() => string);
  /** Clock in seconds; tests move it. */
  now?: () => number;
}

export type FakeEvent = Stripe.Event;

export function createFakeStripe(options: FakeStripeOptions = {}) {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const base = options.pagesBaseUrl ?? 'http://127.0.0.1:4000/fake-stripe';
  const pagesUrl = () => (typeof base === 'function' ? base() : base);
  const customers = new Map<string, FakeCustomer>();
  const subscriptions = new Map<string, FakeSubscription>();
  const invoices = new Map<string, FakeInvoice>();
  const sessions = new Map<string, FakeCheckoutSession>();
  const portalSessions = new Map<string, FakePortalSession>();
  const taxIds = new Map<string, FakeTaxId>();
  // Stripe replays the first answer for a repeated Idempotency-Key.
  const idempotent = new Map<string, unknown>();
  let seq = 0;
  const newId = (prefix: string) =>
    `${prefix}_fake${(++seq).toString(36)}${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  /** Hooks for tests: e.g. delay one answer past the SDK's timeout. */
  const hooks: {
    beforeRespond?: (path: string) => Promise<'drop' | undefined>;
    rejectTaxId?: (value: string) => boolean;
  } = {};

  const event = (type: string, object: unknown, created = now()): FakeEvent =>
    ({
      id: newId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    }) as unknown as FakeEvent;

  const form = async (request: Request) => new URLSearchParams(await request.text());
  const notFound = (what: string) =>
    HttpResponse.json(
      { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}` } },
      { status: 404 },
    );
  const respond = async (request: Request, path: string, make: () => unknown) => {
    const key = request.headers.get('idempotency-key');
    const body = key && idempotent.has(key) ? idempotent.get(key) : make();
    if (key && !idempotent.has(key)) idempotent.set(key, body);
    // 'drop': Stripe did the work, but the answer never arrives (a timeout, as the client sees it).
    if ((await hooks.beforeRespond?.(path)) === 'drop') return HttpResponse.error();
    return HttpResponse.json(body as Record<string, unknown>);
  };
  const address = (p: URLSearchParams, current: FakeCustomer['address']) =>
    p.has('address[line1]') || p.has('address[postal_code]') || p.has('address[city]')
      ? {
          line1: p.get('address[line1]') || null,
          postal_code: p.get('address[postal_code]') || null,
          city: p.get('address[city]') || null,
          country: p.get('address[country]') || 'DE',
        }
      : current;
  const metadata = (p: URLSearchParams) =>
    Object.fromEntries([...p].filter(([k]) => k.startsWith('metadata[')).map(([k, v]) => [k.slice(9, -1), v]));

  const routes: RequestHandler[] = [
    http.post(`${API}/v1/customers`, async ({ request }) => {
      const p = await form(request);
      return respond(request, 'customers.create', () => {
        const customer: FakeCustomer = {
          id: newId('cus'),
          object: 'customer',
          created: now(),
          name: p.get('name'),
          email: p.get('email'),
          address: address(p, null),
          metadata: metadata(p),
          livemode: false,
        };
        customers.set(customer.id, customer);
        return customer;
      });
    }),
    http.get(`${API}/v1/customers/:id`, ({ params }) => {
      const customer = customers.get(String(params.id));
      return customer ? HttpResponse.json(customer) : notFound('customer');
    }),
    http.post(`${API}/v1/customers/:id`, async ({ request, params }) => {
      const customer = customers.get(String(params.id));
      if (!customer) return notFound('customer');
      const p = await form(request);
      return respond(request, 'customers.update', () => {
        if (p.has('name')) customer.name = p.get('name') || null;
        if (p.has('email')) customer.email = p.get('email') || null;
        customer.address = address(p, customer.address);
        return customer;
      });
    }),
    // Customer tax ids (the town's USt-IdNr. as `eu_vat`): create, list, delete.
    http.post(`${API}/v1/customers/:id/tax_ids`, async ({ request, params }) => {
      const customer = customers.get(String(params.id));
      if (!customer) return notFound('customer');
      const p = await form(request);
      const value = (p.get('value') ?? '').replaceAll(' ', '').toUpperCase();
      // Stripe checks the format per type; an eu_vat value is a country code and its digits.
      // hooks.rejectTaxId: a test plays a value Stripe refuses although its format looks right.
      if (p.get('type') !== 'eu_vat' || !/^[A-Z]{2}[0-9A-Z]{8,12}$/.test(value) || hooks.rejectTaxId?.(value)) {
        return HttpResponse.json(
          {
            error: {
              type: 'invalid_request_error',
              code: 'tax_id_invalid',
              param: 'value',
              message: `Invalid value for eu_vat.`,
            },
          },
          { status: 400 },
        );
      }
      return respond(request, 'customers.tax_ids.create', () => {
        const taxId: FakeTaxId = {
          id: newId('txi'),
          object: 'tax_id',
          created: now(),
          customer: customer.id,
          type: 'eu_vat',
          value,
          country: value.slice(0, 2),
          verification: { status: 'pending', verified_address: null, verified_name: null },
          livemode: false,
        };
        taxIds.set(taxId.id, taxId);
        return taxId;
      });
    }),
    http.get(`${API}/v1/customers/:id/tax_ids`, ({ params }) => {
      const customer = customers.get(String(params.id));
      if (!customer) return notFound('customer');
      const data = [...taxIds.values()].filter((t) => t.customer === customer.id).sort((a, b) => b.created - a.created);
      return HttpResponse.json({ object: 'list', data, has_more: false, url: `/v1/customers/${customer.id}/tax_ids` });
    }),
    http.delete(`${API}/v1/customers/:id/tax_ids/:taxId`, ({ params }) => {
      const taxId = taxIds.get(String(params.taxId));
      if (!taxId || taxId.customer !== String(params.id)) return notFound('tax_id');
      taxIds.delete(taxId.id);
      return HttpResponse.json({ id: taxId.id, object: 'tax_id', deleted: true });
    }),
    http.post(`${API}/v1/checkout/sessions`, async ({ request }) => {
      const p = await form(request);
      const customer = p.get('customer');
      const price = p.get('line_items[0][price]');
      if (p.get('mode') !== 'subscription' || !customer || !customers.has(customer) || !price) {
        return HttpResponse.json(
          {
            error: {
              type: 'invalid_request_error',
              message: 'fake Stripe: subscription mode, a known customer and one price are required',
            },
          },
          { status: 400 },
        );
      }
      return respond(request, 'checkout.sessions.create', () => {
        const id = newId('cs_test');
        const session: FakeCheckoutSession = {
          id,
          object: 'checkout.session',
          mode: 'subscription',
          customer,
          client_reference_id: p.get('client_reference_id'),
          price,
          success_url: p.get('success_url') ?? '',
          cancel_url: p.get('cancel_url'),
          status: 'open',
          subscription: null,
          url: `${pagesUrl()}/checkout/${id}`,
        };
        sessions.set(id, session);
        return session;
      });
    }),
    http.post(`${API}/v1/billing_portal/sessions`, async ({ request }) => {
      const p = await form(request);
      const customer = p.get('customer');
      if (!customer || !customers.has(customer)) return notFound('customer');
      return respond(request, 'billing_portal.sessions.create', () => {
        const id = newId('bps');
        const confirm = 'flow_data[subscription_update_confirm]';
        const planChange =
          p.get('flow_data[type]') === 'subscription_update_confirm'
            ? {
                subscription: p.get(`${confirm}[subscription]`) ?? '',
                item: p.get(`${confirm}[items][0][id]`) ?? '',
                price: p.get(`${confirm}[items][0][price]`) ?? '',
                return_url: p.get('flow_data[after_completion][redirect][return_url]') ?? p.get('return_url') ?? '',
              }
            : null;
        const session: FakePortalSession = {
          id,
          object: 'billing_portal.session',
          customer,
          return_url: p.get('return_url') ?? '',
          url: `${pagesUrl()}/portal/${id}`,
          livemode: false,
          plan_change: planChange,
        };
        portalSessions.set(id, session);
        return session;
      });
    }),
    http.get(`${API}/v1/subscriptions/:id`, ({ params }) => {
      const sub = subscriptions.get(String(params.id));
      return sub ? HttpResponse.json(sub) : notFound('subscription');
    }),
    http.get(`${API}/v1/invoices`, ({ request }) => {
      const customer = new URL(request.url).searchParams.get('customer');
      const data = [...invoices.values()].filter((i) => i.customer === customer).sort((a, b) => b.created - a.created);
      return HttpResponse.json({ object: 'list', data, has_more: false, url: '/v1/invoices' });
    }),
  ];
  // One handler in front of the routes: msw reads a request's cookies (tough-cookie, ~0.5 ms) once
  // per handler, for every request of the process — the tests' own HTTP calls too. With the ten
  // routes as handlers a request to the API under test paid ten reads; now it pays one.
  const handlers: RequestHandler[] = [
    http.all(`${API}/*`, async ({ request, requestId }) => {
      for (const route of routes) {
        const result = await route.run({ request, requestId });
        if (result?.response) return result.response;
      }
      return undefined;
    }),
  ];

  function newInvoice(sub: FakeSubscription, total: number, status: FakeInvoice['status']): FakeInvoice {
    const id = newId('in');
    // The fake is told the gross amount; net and the 19 % VAT are derived as Stripe's tax rate would.
    const net = Math.round((total * 100) / 119);
    const invoice: FakeInvoice = {
      id,
      object: 'invoice',
      created: now(),
      customer: sub.customer,
      number: `HW-${String(invoices.size + 1).padStart(5, '0')}`,
      status,
      currency: 'eur',
      subtotal: net,
      total_excluding_tax: net,
      total_taxes: [
        {
          amount: total - net,
          tax_behavior: 'exclusive',
          taxability_reason: 'standard_rated',
          taxable_amount: net,
          type: 'tax_rate_details',
          tax_rate_details: { tax_rate: 'txr_fake_de_19' },
        },
      ],
      total,
      hosted_invoice_url: `${pagesUrl()}/invoice/${id}`,
      invoice_pdf: `${pagesUrl()}/invoice/${id}`,
      parent: { type: 'subscription_details', subscription_details: { subscription: sub.id } },
      livemode: false,
    };
    invoices.set(id, invoice);
    return invoice;
  }

  return {
    handlers,
    hooks,
    customers,
    subscriptions,
    invoices,
    sessions,
    portalSessions,
    taxIds,
    /** The customer pays in the fake Checkout: a subscription starts (or changes plan). */
    checkout(sessionId: string, grossCents = 0): FakeEvent[] {
      const session = sessions.get(sessionId);
      if (!session || session.status !== 'open') throw new Error(`fake Stripe: no open checkout session ${sessionId}`);
      const start = now();
      const sub: FakeSubscription = {
        id: newId('sub'),
        object: 'subscription',
        created: start,
        customer: session.customer,
        status: 'active',
        cancel_at_period_end: false,
        metadata: {},
        items: {
          object: 'list',
          data: [
            {
              id: newId('si'),
              object: 'subscription_item',
              price: { id: session.price, object: 'price' },
              quantity: 1,
              current_period_start: start,
              current_period_end: start + (session.price.endsWith('_year') ? 365 : 30) * 86_400,
            },
          ],
        },
        livemode: false,
      };
      subscriptions.set(sub.id, sub);
      // A town changing plan: the old subscription ends, as the portal would do.
      const ended: FakeEvent[] = [];
      for (const old of subscriptions.values()) {
        if (old.customer === sub.customer && old.id !== sub.id && old.status !== 'canceled') {
          old.status = 'canceled';
          ended.push(event('customer.subscription.deleted', structuredClone(old)));
        }
      }
      session.status = 'complete';
      session.subscription = sub.id;
      const invoice = newInvoice(sub, grossCents, 'paid');
      return [
        ...ended,
        event('customer.subscription.created', structuredClone(sub)),
        event('invoice.paid', structuredClone(invoice)),
        event('checkout.session.completed', { ...structuredClone(session), url: null }),
      ];
    },
    /** The bank declines the renewal: an open invoice, the subscription past due. */
    failPayment(subscriptionId: string, grossCents = 0): FakeEvent[] {
      const sub = subscriptions.get(subscriptionId);
      if (!sub) throw new Error(`fake Stripe: no subscription ${subscriptionId}`);
      sub.status = 'past_due';
      const invoice = newInvoice(sub, grossCents, 'open');
      return [
        event('invoice.payment_failed', structuredClone(invoice)),
        event('customer.subscription.updated', structuredClone(sub)),
      ];
    },
    /** The customer confirms the plan change the portal link proposed: the item's price is swapped (with proration). */
    confirmPlanChange(portalSessionId: string, prorationCents = 0): FakeEvent[] {
      const change = portalSessions.get(portalSessionId)?.plan_change;
      const sub = change ? subscriptions.get(change.subscription) : undefined;
      const item = sub?.items.data.find((i) => i.id === change?.item);
      if (!change || !sub || !item) throw new Error(`fake Stripe: no plan change in portal session ${portalSessionId}`);
      item.price = { id: change.price, object: 'price' };
      const invoice = newInvoice(sub, prorationCents, 'paid');
      return [
        event('customer.subscription.updated', structuredClone(sub)),
        event('invoice.paid', structuredClone(invoice)),
      ];
    },
    /** The town pays its open invoices (e.g. in the portal). */
    payOpenInvoices(subscriptionId: string): FakeEvent[] {
      const sub = subscriptions.get(subscriptionId);
      if (!sub) throw new Error(`fake Stripe: no subscription ${subscriptionId}`);
      const events: FakeEvent[] = [];
      for (const invoice of invoices.values()) {
        if (invoice.parent.subscription_details.subscription === sub.id && invoice.status === 'open') {
          invoice.status = 'paid';
          events.push(event('invoice.paid', structuredClone(invoice)));
        }
      }
      sub.status = 'active';
      events.push(event('customer.subscription.updated', structuredClone(sub)));
      return events;
    },
    event,
    /** Starts intercepting the SDK's requests in this process. */
    listen(): SetupServerApi {
      const server = setupServer(...handlers);
      // Only Stripe's host is faked; everything else passes through untouched.
      server.listen({ onUnhandledRequest: 'bypass' });
      return server;
    },
  };
}

export type FakeStripe = ReturnType<typeof createFakeStripe>;

// msw patches the process's http modules once: every API server (and test
// API) in one process shares one fake Stripe. Its pages are served by the
// server that joined last and is still running.
let shared: { fake: FakeStripe; server: SetupServerApi; bases: Array<() => string> } | null = null;

/** The process's fake Stripe, intercepting from now on; `release()` when the server using it stops. */
export function acquireFakeStripe(pagesBaseUrl: () => string): { fake: FakeStripe; release: () => void } {
  if (!shared) {
    const bases: Array<() => string> = [];
    const fake = createFakeStripe({ pagesBaseUrl: () => (bases.at(-1) ?? pagesBaseUrl)() });
    shared = { fake, server: fake.listen(), bases };
  }
  const current = shared;
  current.bases.push(pagesBaseUrl);
  let released = false;
  return {
    fake: current.fake,
    release() {
      if (released) return;
      released = true;
      current.bases.splice(current.bases.indexOf(pagesBaseUrl), 1);
      if (current.bases.length === 0 && shared === current) {
        current.server.close();
        shared = null;
      }
    },
  };
}

/** Signs an event the way Stripe does (t=…,v1=…), for the fake and for tests. */
export function signEvent(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}
