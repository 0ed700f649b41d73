/**
 * Issue 10 — scoring: the single-table keys of its items (spread into `keys` in keys.ts, the one place keys are
 * built). Every key starts with the tenant (`T#<tenant>#…`), except routing items (`R#…`).
 *
 * - `T#<t>#scoring` / `settings`: the tenant's scoring rules, threshold and half-life (`version` for If-Match);
 * - `T#<t>#scoring` / `settings#v<000001>`: each saved version as it was (who, when): the settings' audit trail.
 */
export const scoringKeys = {
  scoring: (tenantId: string) => `T#${tenantId}#scoring`,
  scoringSettingsSk: 'settings',
  scoringVersionSk: (version: number) => `settings#v${String(version).padStart(6, '0')}`,
  scoringVersionPrefix: 'settings#v',
} as const;
