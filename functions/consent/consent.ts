import type { ConsentStatus, Deliverability } from '#schemas/marketing/person.ts';

/**
 * Consent changes, pure (issue 10, CD-9). `subscriptionType` `*` is the overall status; any other is one type's.
 * Unsubscribing overall leaves the types as they were (they apply again once the person subscribes overall).
 */
export const OVERALL = '*';

export interface ConsentState { status: ConsentStatus; at?: string; source?: string }
export interface EmailConsent extends ConsentState { types?: Record<string, ConsentState> }
export interface ConsentChange { subscriptionType: string; status: ConsentStatus }

/** The consent after the changes, and the changes that changed anything (the ones to audit and publish). */
export function applyConsentChanges(current: EmailConsent | undefined, changes: readonly ConsentChange[], at: string, source: string): { next: EmailConsent; changed: ConsentChange[] } {
  const next: EmailConsent = { status: current?.status ?? 'notAsked', ...(current?.at ? { at: current.at } : {}), ...(current?.source ? { source: current.source } : {}), types: { ...(current?.types ?? {}) } };
  const changed: ConsentChange[] = [];
  for (const c of changes) {
    if (c.subscriptionType === OVERALL) {
      if (next.status === c.status) continue;
      next.status = c.status;
      next.at = at;
      next.source = source;
    } else {
      if ((next.types![c.subscriptionType]?.status ?? 'notAsked') === c.status) continue;
      next.types![c.subscriptionType] = { status: c.status, at, source };
    }
    changed.push(c);
  }
  // Saying yes to a type is saying yes to marketing email: an overall "never asked" becomes subscribed
  // (unless the same choice names the overall status itself).
  if (!changes.some((c) => c.subscriptionType === OVERALL) && changed.some((c) => c.subscriptionType !== OVERALL && c.status === 'subscribed') && next.status === 'notAsked') {
    next.status = 'subscribed';
    next.at = at;
    next.source = source;
    changed.push({ subscriptionType: OVERALL, status: 'subscribed' });
  }
  if (!Object.keys(next.types!).length) delete next.types;
  return { next, changed };
}

/** A worse deliverability never becomes a better one by an event (complained > bounced > suppressed > ok). */
const RANK: Record<Deliverability, number> = { ok: 0, suppressed: 1, bounced: 2, complained: 3 };
export const worseDeliverability = (current: Deliverability | undefined, next: Deliverability): Deliverability =>
  RANK[next] > RANK[current ?? 'ok'] ? next : (current ?? 'ok');
