export * from './ags.ts';
export * from './audit-actions.ts';
export * from './booking-sequence.ts';
export * from './bundeslaender.ts';
export * from './ics.ts';
export * from './roles.ts';
export * from './slug.ts';
export * from './zoned-time.ts';
