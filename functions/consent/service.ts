import { invalid, notFound, staleVersion } from '#commons/errors.ts';
import type { MarketingSettings } from '#schemas/marketing/consent.ts';
import type { ConsentStatus } from '#schemas/marketing/person.ts';
import { contactEntity } from '../contacts/entity.ts';
import { leadEntity } from '../leads/entity.ts';
import { assertCan, systemActor, type Actor } from '../policy/policy.ts';
import type { RecordDeps } from '../records/service.ts';
import { ifMatchHolds, loadForWrite } from '../records/service.ts';
import type { StoredRecord } from '../records/entity.ts';
import { OVERALL, type ConsentChange, type EmailConsent } from './consent.ts';
import type { PreferenceRoute } from './links.ts';
import { commitPersonChange, ConsentVersionConflict, type PersonType } from './store.ts';

/**
 * Consent changes of a person (issue 10): by the person (one-click unsubscribe, the preference page), and by
 * staff recording what the person told them (If-Match). Each is one transaction (functions/consent/store.ts).
 */
export const entityOf = (type: PersonType) => (type === 'contact' ? contactEntity : leadEntity);

const recipientActor = (tenantId: string) => systemActor(tenantId, 'portal', 'Email recipient', 'system:preferences');

/** Loads the person and applies the change, again on a concurrent write (a person's own choice always lands). */
async function applyByPerson(route: PreferenceRoute, changes: (person: StoredRecord) => ConsentChange[], source: string, deps: RecordDeps): Promise<StoredRecord> {
  for (let attempt = 0; ; attempt++) {
    const person = await deps.store.get(route.tenantId, route.personType, route.recordId);
    if (!person || person.deletedAt) throw notFound('No such link.');
    try {
      const { record } = await commitPersonChange({
        tenantId: route.tenantId, type: route.personType, record: person, actor: recipientActor(route.tenantId), at: deps.clock(), newId: deps.newId,
        consent: { changes: changes(person), source },
      });
      return record;
    } catch (error) {
      if (error instanceof ConsentVersionConflict && attempt < 4) continue;
      throw error;
    }
  }
}

/** RFC 8058 one-click: unsubscribes the person from the email's subscription type (again: nothing changes). */
export const unsubscribeOneClick = (route: PreferenceRoute, deps: RecordDeps) =>
  applyByPerson(route, () => [{ subscriptionType: route.subscriptionType, status: 'unsubscribed' }], 'one-click-unsubscribe', deps);

/** The preference page's save: each type yes or no, or unsubscribe from all; subscribing to a type again ends an overall "no". */
export function savePreferences(route: PreferenceRoute, input: { types: Record<string, 'subscribed' | 'unsubscribed'>; unsubscribeAll?: boolean | undefined }, settings: MarketingSettings, deps: RecordDeps) {
  const known = new Set(settings.subscriptionTypes.map((t) => t.id));
  const unknown = Object.keys(input.types).filter((t) => !known.has(t));
  if (unknown.length) throw invalid(unknown.map((t) => ({ path: `types.${t}`, message: 'No such subscription type', code: 'unknown_type' })));
  return applyByPerson(route, () => {
    const changes: ConsentChange[] = Object.entries(input.types).map(([subscriptionType, status]) => ({ subscriptionType, status }));
    if (input.unsubscribeAll) changes.push({ subscriptionType: OVERALL, status: 'unsubscribed' });
    else if (changes.some((c) => c.status === 'subscribed')) changes.unshift({ subscriptionType: OVERALL, status: 'subscribed' });
    return changes;
  }, 'preference-page', deps);
}

/** What the preference page shows of the person: each type's status (as the gate reads it) and the overall one. */
export function preferencesView(person: StoredRecord, route: PreferenceRoute, settings: MarketingSettings) {
  const consent = person.emailConsent as EmailConsent | undefined;
  const email = typeof person.email === 'string' ? person.email : '';
  const [user = '', domain = ''] = email.split('@');
  const masked = user ? `${user.slice(0, 1)}${'*'.repeat(Math.max(1, Math.min(user.length - 1, 6)))}@${domain}` : '';
  return {
    language: route.language,
    address: masked,
    unsubscribedAll: consent?.status === 'unsubscribed',
    types: settings.subscriptionTypes.map((t) => ({ id: t.id, label: t.label, status: (consent?.types?.[t.id]?.status ?? consent?.status ?? 'notAsked') as ConsentStatus })),
    subscriptionType: route.subscriptionType,
    expiresAt: new Date(route.expiresAt * 1000).toISOString(),
  };
}

/** Staff record a consent the person gave them (If-Match on the record; the record must be theirs to edit). */
export async function staffConsent(
  type: PersonType, actor: Actor, id: string, input: { status: ConsentStatus; subscriptionType?: string | undefined; source: string; note?: string | undefined },
  ifMatch: string | undefined, settings: MarketingSettings, deps: RecordDeps,
): Promise<StoredRecord> {
  assertCan(actor, 'consent:update');
  if (input.subscriptionType && !settings.subscriptionTypes.some((t) => t.id === input.subscriptionType)) {
    throw invalid([{ path: 'subscriptionType', message: 'No such subscription type (Settings → Marketing)', code: 'unknown_type' }]);
  }
  const def = entityOf(type);
  const current = await loadForWrite(def, actor, id, deps);
  const stale = () => staleVersion(`This ${type} was changed by someone else (now version ${current.version}). Reload it and apply your change again.`, current.version, undefined);
  if (!ifMatchHolds(ifMatch, current.version)) throw stale();
  try {
    const { record } = await commitPersonChange({
      tenantId: actor.tenantId, type, record: current, actor, at: deps.clock(), newId: deps.newId,
      consent: { changes: [{ subscriptionType: input.subscriptionType ?? OVERALL, status: input.status }], source: `staff:${input.source}`, ...(input.note ? { note: input.note } : {}) },
    });
    return record;
  } catch (error) {
    if (error instanceof ConsentVersionConflict) throw stale();
    throw error;
  }
}
