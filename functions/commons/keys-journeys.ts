/**
 * Issue 10 — journeys: the single-table keys of its items (spread into `keys` in keys.ts, the one place keys are
 * built). Every key starts with the tenant (`T#<tenant>#…`), except routing items (`R#…`).
 */
export const journeysKeys = {} as const;
