/**
 * Objects the API lists and reads but does not write yet (no POST/PATCH/DELETE routes of their own in
 * contracts/routes.ts; test/unit/web-objects-locales.test.ts keeps the two in step): their generic pages
 * offer no New, Edit or Delete. None today: opportunities gained their write routes (unit `sales`).
 */
export const READ_ONLY_OBJECTS: ReadonlySet<string> = new Set<string>();
