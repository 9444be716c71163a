/**
 * The pages of the fake Stripe (no STRIPE_SECRET_KEY): a Checkout that
 * "pays" at once and a Customer Portal with the actions a town needs in
 * development and end-to-end tests. Each is labelled as a test page. The
 * events they cause are signed with the webhook secret and go through the
 * same webhook handler as Stripe's, so offline dev exercises the real path.
 */
import type http from 'node:http';
import { type Billing, grossCents, planForPrice, type PriceIds, PLANS } from '@hubwerk/billing';
import { type FakeEvent, type FakeStripe, signEvent } from '@hubwerk/billing/fake-stripe';

export interface FakePagesOptions {
  fake: FakeStripe;
  billing: Billing;
  priceIds: PriceIds;
  webhookSecret: string;
  adminUrl: string | (() => string);
}

const PLAN_NAMES = { basis: 'Basis', standard: 'Standard', plus: 'Plus' } as const;
const euro = (cents: number) =>
  new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(cents / 100);
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: http.ServerResponse, status: number, title: string, body: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}.test{background:#fff3cd;border:2px solid #8a6d00;padding:.75rem;color:#3d3000}button{font-size:1rem;padding:.5rem 1rem;margin:.25rem 0}a{color:#0b4f9c}</style></head>
<body><main><p class="test" role="note"><strong>Test-Stripe (Fake):</strong> keine echte Zahlung, kein echtes Konto. / Fake Stripe: no real payment.</p><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

function redirect(res: http.ServerResponse, location: string) {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

export function createFakeStripePages(options: FakePagesOptions) {
  const { fake, billing } = options;

  // Delivered like Stripe does it: a signed JSON body to the webhook handler.
  async function deliver(events: FakeEvent[]) {
    for (const event of events) {
      const payload = JSON.stringify(event);
      await billing.handleWebhook(payload, signEvent(payload, options.webhookSecret));
    }
  }

  // Only back into the admin app: never an open redirect.
  const adminUrl = () => (typeof options.adminUrl === 'function' ? options.adminUrl() : options.adminUrl);
  const safeReturn = (url: string) => (url.startsWith(adminUrl()) ? url : adminUrl());

  return async function handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const [, , kind, id] = path.split('/');
    if (!id) return page(res, 404, 'Nicht gefunden', '<p>Diese Test-Seite gibt es nicht.</p>');

    if (kind === 'checkout') {
      const session = fake.sessions.get(id);
      if (!session) return page(res, 404, 'Nicht gefunden', '<p>Unbekannte Checkout-Sitzung.</p>');
      const mapped = planForPrice(options.priceIds, session.price);
      const net = mapped ? PLANS[mapped.plan].netCents[mapped.interval] : 0;
      if (req.method === 'POST') {
        if (session.status !== 'open') return redirect(res, safeReturn(session.success_url));
        await deliver(fake.checkout(id, grossCents(net)));
        return redirect(res, safeReturn(session.success_url));
      }
      const name = mapped
        ? `${PLAN_NAMES[mapped.plan]} (${mapped.interval === 'month' ? 'monatlich' : 'jährlich'})`
        : session.price;
      return page(
        res,
        200,
        'Test-Checkout',
        `<p>Tarif: <strong>${escape(name)}</strong></p>
<p>Netto ${euro(net)} + 19 % USt. ${euro(grossCents(net) - net)} = <strong>brutto ${euro(grossCents(net))}</strong></p>
<form method="post"><button type="submit">Zahlungspflichtig abonnieren (Test)</button></form>
<p><a href="${escape(safeReturn(session.cancel_url ?? adminUrl()))}">Abbrechen und zurück</a></p>`,
      );
    }

    if (kind === 'portal') {
      const session = fake.portalSessions.get(id);
      if (!session) return page(res, 404, 'Nicht gefunden', '<p>Unbekannte Portal-Sitzung.</p>');
      const subs = [...fake.subscriptions.values()].filter(
        (s) => s.customer === session.customer && s.status !== 'canceled',
      );
      if (req.method === 'POST') {
        const body = await readForm(req);
        if (body.get('action') === 'confirm-plan-change' && session.plan_change) {
          const mapped = planForPrice(options.priceIds, session.plan_change.price);
          await deliver(
            fake.confirmPlanChange(id, mapped ? grossCents(PLANS[mapped.plan].netCents[mapped.interval]) : 0),
          );
          return redirect(res, safeReturn(session.plan_change.return_url));
        }
        for (const sub of subs) {
          if (body.get('action') === 'pay') await deliver(fake.payOpenInvoices(sub.id));
          if (body.get('action') === 'fail') await deliver(fake.failPayment(sub.id));
        }
        return redirect(res, safeReturn(session.return_url));
      }
      const invoices = [...fake.invoices.values()].filter((i) => i.customer === session.customer);
      if (session.plan_change) {
        const mapped = planForPrice(options.priceIds, session.plan_change.price);
        const net = mapped ? PLANS[mapped.plan].netCents[mapped.interval] : 0;
        const name = mapped
          ? `${PLAN_NAMES[mapped.plan]} (${mapped.interval === 'month' ? 'monatlich' : 'jährlich'})`
          : session.plan_change.price;
        return page(
          res,
          200,
          'Test-Kundenportal: Tarifwechsel',
          `<p>Neuer Tarif: <strong>${escape(name)}</strong></p>
<p>Netto ${euro(net)} + 19 % USt. ${euro(grossCents(net) - net)} = <strong>brutto ${euro(grossCents(net))}</strong></p>
<form method="post"><input type="hidden" name="action" value="confirm-plan-change"><button type="submit">Tarifwechsel bestätigen (Test)</button></form>
<p><a href="${escape(safeReturn(session.return_url))}">Abbrechen und zurück</a></p>`,
        );
      }
      return page(
        res,
        200,
        'Test-Kundenportal',
        `<p>Abonnements: ${subs.length}, Rechnungen: ${invoices.length}, offen: ${invoices.filter((i) => i.status === 'open').length}</p>
<form method="post"><input type="hidden" name="action" value="pay"><button type="submit">Offene Rechnungen bezahlen (Test)</button></form>
<form method="post"><input type="hidden" name="action" value="fail"><button type="submit">Fehlgeschlagene Zahlung simulieren (Test)</button></form>
<p><a href="${escape(safeReturn(session.return_url))}">Zurück zu Hubwerk</a></p>`,
      );
    }

    if (kind === 'invoice') {
      const invoice = fake.invoices.get(id);
      if (!invoice) return page(res, 404, 'Nicht gefunden', '<p>Unbekannte Rechnung.</p>');
      const net = Math.round((invoice.total * 100) / 119);
      return page(
        res,
        200,
        `Rechnung ${invoice.number}`,
        `<p>Datum: ${new Date(invoice.created * 1000).toLocaleDateString('de-DE', { timeZone: 'Europe/Berlin' })}</p>
<p>Netto ${euro(net)}, USt. 19 % ${euro(invoice.total - net)}, <strong>Gesamt ${euro(invoice.total)}</strong></p><p>Status: ${invoice.status === 'paid' ? 'bezahlt' : 'offen'}</p>`,
      );
    }
    return page(res, 404, 'Nicht gefunden', '<p>Diese Test-Seite gibt es nicht.</p>');
  };
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}
