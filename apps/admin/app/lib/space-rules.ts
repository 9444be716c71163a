import type { MessageKey } from '~/i18n/index.ts';

/** A space's booking rules as form fields: the ones set when it is created, then on its own page. */
export const BOOKING_RULE_FIELDS = [
  'granularityMinutes',
  'minDurationMinutes',
  'maxDurationMinutes',
  'leadTimeMinutes',
  'horizonDays',
  'bufferMinutes',
] as const;

/** Also on the space's page: how long after the start a booking may check in. */
export type RuleField = (typeof BOOKING_RULE_FIELDS)[number] | 'checkInGraceMinutes';

export const RULE_LABELS: Record<RuleField, MessageKey> = {
  granularityMinutes: 'hub.granularity',
  minDurationMinutes: 'hub.minDuration',
  maxDurationMinutes: 'hub.maxDuration',
  leadTimeMinutes: 'hub.leadTime',
  horizonDays: 'hub.horizon',
  bufferMinutes: 'hub.buffer',
  checkInGraceMinutes: 'hub.checkInGrace',
};
