/**
 * Issue 10 — consent: the single-table keys of its items (spread into `keys` in keys.ts, the one place keys are
 * built). Every key starts with the tenant (`T#<tenant>#…`), except routing items (`R#…`, keys.route).
 */
export const consentKeys = {
  /**
   * A marketing send (functions/marketing-mail): one partition per send id (`T#t#msend#<sendId>`, sk `~send`), so
   * a 10,000-recipient campaign spreads its writes; the SES events taken in for it sit beside it (`ses#<eventKey>`).
   */
  marketingSend: (tenantId: string, sendId: string) => `T#${tenantId}#msend#${sendId}`,
  marketingSendSk: '~send',
  /** The marker of one SES event taken in for a send (consumer idempotency): `ses#<type>#<SES event id>`. */
  sesEventSk: (type: string, eventId: string) => `ses#${type}#${eventId}`,
  /** The tenant's suppression list (hard bounces, complaints): sk is the lower-cased address. */
  suppression: (tenantId: string) => `T#${tenantId}#suppression`,
  suppressionSk: (address: string) => address.trim().toLowerCase(),
  /** Settings → Marketing, in the tenant's config partition (keys.config). */
  marketingSettingsSk: 'marketing-settings',
} as const;
