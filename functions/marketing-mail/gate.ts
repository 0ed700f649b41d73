import type { ConsentStatus, Deliverability } from '#schemas/marketing/person.ts';
import type { SkipReason } from './send.ts';

/**
 * The consent gate of every marketing email (issue 10), pure: why this person must not get an email of this
 * subscription type, or undefined when they may. In order: no address; the address bounced or complained (its
 * deliverability) or is on the tenant's suppression list; unsubscribed overall or from the type; never asked
 * while the tenant requires opt-in. A type's own status wins over the overall one only when it is a yes/no
 * and the overall status is not "unsubscribed" (unsubscribed overall stops every marketing email).
 */
export interface GateInput {
  readonly email: unknown;
  readonly emailConsent?: { status?: ConsentStatus; types?: Record<string, { status?: ConsentStatus } | undefined> } | undefined;
  readonly emailDeliverability?: Deliverability | undefined;
  /** The address is on the tenant's suppression list. */
  readonly suppressed: boolean;
  readonly requireOptIn: boolean;
  readonly subscriptionType: string;
}

export const EMAIL_ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+$/;

export function gateReason(input: GateInput): SkipReason | undefined {
  const email = typeof input.email === 'string' ? input.email.trim() : '';
  if (!EMAIL_ADDRESS.test(email)) return 'noEmail';
  if (input.emailDeliverability === 'bounced') return 'bounced';
  if (input.emailDeliverability === 'complained') return 'complained';
  if (input.emailDeliverability === 'suppressed' || input.suppressed) return 'suppressed';
  const status = effectiveConsent(input.emailConsent, input.subscriptionType);
  if (status === 'unsubscribed') return 'unsubscribed';
  if (status === 'notAsked' && input.requireOptIn) return 'notAsked';
  return undefined;
}

/** The consent that applies to one subscription type: unsubscribed overall, else the type's, else the overall one. */
export function effectiveConsent(consent: GateInput['emailConsent'], subscriptionType: string): ConsentStatus {
  const overall = consent?.status ?? 'notAsked';
  if (overall === 'unsubscribed') return 'unsubscribed';
  const own = consent?.types?.[subscriptionType]?.status;
  return own ?? overall;
}
