import type { LoaderFunctionArgs } from '@remix-run/node';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { bookingIcs } from '@hubwerk/domain';

/** A resource route: one booking as an .ics file (its owner or the hub's staff only; others get 404). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const api = await apiFor(request);
  const booking = await load(request, () =>
    api.bookings.get.query({ tenant: params.slug ?? '', bookingId: params.bookingId ?? '' }),
  );
  const body = bookingIcs({
    uid: `${booking.id}@hubwerk`,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    summary: booking.deskName ? `${booking.spaceName}, ${booking.deskName}` : booking.spaceName,
    location: booking.hubName,
    description: booking.purpose,
    status: booking.status,
    stamp: new Date(),
    // The booking's revision: the same SEQUENCE its mails and the feeds carry, so a re-import updates the event.
    sequence: booking.sequence,
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="buchung-${booking.id}.ics"`,
      'cache-control': 'private, no-store',
    },
  });
}
