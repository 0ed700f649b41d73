/**
 * Issue 10 — journeys: the single-table keys of its items (spread into `keys` in keys.ts, the one place keys are
 * built). Every key starts with the tenant (`T#<tenant>#…`), except routing items (`R#…`).
 *
 * - `journeys(t)` / `journeySk(id)`: a journey (definition of its newest version, status, live version and the
 *   per-step counters, `c:<key>` attributes moved in every run's transaction); the list is one Query.
 * - `journey(t, id)` / `journeyVersionSk(v)`: each saved version's steps (immutable; runs read theirs);
 *   `journeyAuditSk(at, id)`: who saved, activated or paused it.
 * - `journeyTriggers(t)` / `journeyTriggerSk(event, id)`: an active journey under its trigger event (the rule's
 *   consumer finds the journeys an event starts with one Query on `<event>#`).
 * - `journeyMembers(t, recordId)` / `journeyRunSk(id)`: one person's place in one journey (their runs, version-
 *   checked); every journey of a person is one Query; `journeyEntrySk(id, eventId)`: an event that entered them
 *   (a redelivered event enters nobody again).
 */
export const journeysKeys = {
  journeys: (tenantId: string) => `T#${tenantId}#journeys`,
  journeySk: (journeyId: string) => `J#${journeyId}`,
  journeyPrefix: 'J#',
  journey: (tenantId: string, journeyId: string) => `T#${tenantId}#journey#${journeyId}`,
  journeyVersionSk: (version: number) => `V#${String(version).padStart(6, '0')}`,
  journeyAuditSk: (at: string, id: string) => `AU#${at}#${id}`,
  journeyTriggers: (tenantId: string) => `T#${tenantId}#journey-triggers`,
  journeyTriggerSk: (event: string, journeyId: string) => `${event}#${journeyId}`,
  journeyMembers: (tenantId: string, recordId: string) => `T#${tenantId}#journey-member#${recordId}`,
  journeyRunSk: (journeyId: string) => `J#${journeyId}`,
  journeyEntrySk: (journeyId: string, eventId: string) => `E#${journeyId}#${eventId}`,
} as const;
