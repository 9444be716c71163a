/**
 * The iCalendar SEQUENCE of a booking (RFC 5545 §3.8.7.4): calendar clients
 * replace an event (same UID) only by one with a higher SEQUENCE. A booking
 * moves forward through its status (pending → confirmed → cancelled) and may
 * be changed (time, place, purpose) any number of times, each change possibly
 * sending it back to pending (docs/decisions/017). Three steps per revision
 * keep the number growing on every one of these events without storing it:
 * a change (revision + 1) always outranks any status of the revision before.
 * The .ics mails, the .ics download and the feeds all use this one function.
 */
export type BookingStatusName = 'pending' | 'confirmed' | 'cancelled' | 'PENDING' | 'CONFIRMED' | 'CANCELLED';

const RANK = { pending: 0, confirmed: 1, cancelled: 2 } as const;

export function bookingSequence(status: BookingStatusName, revision: number): number {
  return revision * 3 + RANK[status.toLowerCase() as keyof typeof RANK];
}
