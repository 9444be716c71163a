import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import QRCode from 'qrcode';
import { ErrorSummary } from '~/components/error-summary.tsx';
import { PageHeader } from '~/components/page-header.tsx';
import { SubmitButton } from '~/components/submit-button.tsx';
import { env } from '~/env.server.ts';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, mutate, notFound, requireMe } from '~/lib/api.server.ts';
import { hhmm } from '~/lib/booking-format.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text, translateErrors } from '~/lib/forms.ts';
import { pageTitle } from '~/lib/meta.ts';

export const meta: MetaFunction<typeof loader> = (args) =>
  pageTitle(args, 'checkIn.title', { what: args.data?.state.spaceName ?? '' });

/**
 * A booking's check-in page (docs/decisions/013). Its QR code encodes this
 * page's own address: scanned at the hub it opens here, where the member
 * checks in (or staff confirm the arrival) with one button. Signed-in only;
 * others get the 404 of the walls.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const state = await load(request, () =>
    api.checkIn.state.query({ tenant: params.slug ?? '', bookingId: params.bookingId ?? '' }),
  );
  // The configured address users reach the admin at, not the request's (a Host header is the client's to choose).
  const origin = env.PUBLIC_ORIGINS[0];
  const url = `${origin}/towns/${encodeURIComponent(params.slug ?? '')}/bookings/${state.bookingId}/check-in`;
  const qrSvg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { state, url, qrSvg };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  if (text(form, 'intent') !== 'arrive') throw notFound();
  const api = await apiFor(request);
  const result = await mutate(request, () =>
    api.checkIn.arrive.mutate({ tenant: params.slug ?? '', bookingId: params.bookingId ?? '' }),
  );
  if (!result.ok)
    return { ok: false as const, errors: { formError: result.formError, fieldErrors: result.fieldErrors } };
  return { ok: true as const, errors: null };
}

export default function CheckIn() {
  const { state, qrSvg } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const tr = useT();
  const { t } = tr;
  const errors = translateErrors(tr, result && !result.ok ? result.errors : null, {});
  const what = state.deskName ? `${state.spaceName}, ${state.deskName}` : state.spaceName;
  return (
    <>
      <PageHeader
        title={t('checkIn.title', { what })}
        lead={`${t('checkIn.when', { date: tr.formatDate(state.startsAt), from: hhmm(state.startsAt), to: hhmm(state.endsAt) })} · ${t(`bookings.status.${state.status}`)}`}
      />
      <ErrorSummary items={errors.summary} />
      <section className="card" aria-labelledby="check-in-state">
        <h2 id="check-in-state">{t('checkIn.link')}</h2>
        <p>{t('checkIn.lead', { grace: hhmm(state.graceEndsAt) })}</p>
        <p role="status">
          {state.checkedInAt
            ? t('checkIn.checkedIn', { time: hhmm(state.checkedInAt) })
            : state.noShowAt
              ? t('checkIn.noShow')
              : t('checkIn.notYet')}
        </p>
        {state.checkedInAt || state.status !== 'confirmed' ? null : (
          <Form method="post">
            <input type="hidden" name="intent" value="arrive" />
            <SubmitButton
              label={state.mine ? t('checkIn.arrive') : t('checkIn.arriveStaff')}
              pendingLabel={t('checkIn.arriving')}
            />
          </Form>
        )}
      </section>
      <section className="card" aria-labelledby="check-in-qr">
        <h2 id="check-in-qr">{t('checkIn.qrTitle')}</h2>
        <p>{t('checkIn.qrHint')}</p>
        {/* The SVG comes from the qrcode library, made from this page's own address: no user markup. */}
        <div
          role="img"
          aria-label={t('checkIn.qrAlt')}
          className="qr-code"
          dangerouslySetInnerHTML={{ __html: qrSvg }}
        />
      </section>
    </>
  );
}
