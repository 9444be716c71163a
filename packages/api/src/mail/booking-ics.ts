import { bookingIcs as icsOf } from '@hubwerk/domain';

/**
 * One booking as an iCalendar object for mail attachments, written by the
 * product's one generator (@hubwerk/domain). The UID is the one the admin
 * app's .ics download and the feeds use (`<booking id>@hubwerk`), so a
 * calendar updates the same event on a change or cancellation instead of
 * adding a second; a cancellation goes out as METHOD:CANCEL.
 */
export interface BookingIcsEvent {
  bookingId: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  location: string;
  description: string;
  status: 'pending' | 'confirmed' | 'cancelled';
  /** Grows with every mail about the booking, so clients apply the newest. */
  sequence: number;
}

export function bookingIcs(e: BookingIcsEvent, now = new Date()): string {
  return icsOf(
    {
      uid: `${e.bookingId}@hubwerk`,
      startsAt: e.startsAt,
      endsAt: e.endsAt,
      summary: e.summary,
      location: e.location,
      description: e.description,
      status: e.status,
      stamp: now,
      sequence: e.sequence,
    },
    e.status === 'cancelled' ? 'CANCEL' : 'PUBLISH',
  );
}
