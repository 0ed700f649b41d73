import { contactDisplayName } from '#schemas/contact.ts';
import { DEFAULT_CALLBACK_HOURS } from '#schemas/assignment.ts';
import { LEAD_TRANSITIONS, OPEN_LEAD_STATUSES, leadCreate, leadListQuery, leadUpdate, type LeadStatus } from '#schemas/lead.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { claimCounters, claimEnds } from '../records/pool-claims.ts';

/** The shared queue new and unassignable leads wait in (SFA-2 fallback). */
export const LEAD_QUEUE = 'queue:default';

const isOpen = (status: unknown) => OPEN_LEAD_STATUSES.includes(status as LeadStatus);
/** Open for the shared pool's claim count. */
const openLead = (r: Record<string, unknown>) => isOpen(r.status);
const isPerson = (ownerId: unknown): ownerId is string => typeof ownerId === 'string' && !ownerId.startsWith('queue:') && ownerId !== 'pool';

/** SFA-1/SFA-3 leads: a person who may become a customer, found by name, company, email or phone. */
export const leadEntity: EntityDefinition = {
  type: 'lead',
  plural: 'leads',
  createSchema: leadCreate as EntityDefinition['createSchema'],
  updateSchema: leadUpdate as EntityDefinition['updateSchema'],
  displayName: (f) => contactDisplayName(f as { firstName?: string; lastName?: string }),
  validateMerged: (f) => (f.firstName || f.lastName ? [] : [{ path: 'lastName', message: 'Give a first or last name', code: 'custom' }]),
  validateChange: (before, after) => {
    const from = before.status as LeadStatus;
    const to = after.status as LeadStatus;
    const errors = [];
    if (from !== to && !LEAD_TRANSITIONS[from]?.includes(to)) {
      errors.push({ path: 'status', message: `A ${from} lead cannot become ${to}`, code: 'invalid_transition' });
    }
    if (to === 'disqualified' && !after.disqualifiedReason) {
      errors.push({ path: 'disqualifiedReason', message: 'Say why the lead is disqualified', code: 'required' });
    }
    return errors;
  },
  // A claim from the shared pool ends with the lead's close or its owner's change (functions/records/pool-claims.ts).
  derive: (before, after) => (claimEnds(before, after, openLead) ? { claimedBy: undefined } : {}),
  // Open leads are counted per owner for least-loaded assignment; a status or owner change moves the count.
  changeExtras: (before, after) => {
    const counters: { userId: string; field: string; delta: number; claims?: boolean }[] = [];
    if (isOpen(before.status) && isPerson(before.ownerId)) counters.push({ userId: before.ownerId, field: 'openLeads', delta: -1 });
    if (isOpen(after.status) && isPerson(after.ownerId)) counters.push({ userId: after.ownerId, field: 'openLeads', delta: 1 });
    const net = [...counters.filter((c) => !counters.some((o) => o !== c && o.userId === c.userId && o.delta === -c.delta)), ...claimCounters(before, after, openLead)];
    const verb = before.status !== after.status ? String(after.status) : undefined;
    const reason = verb === 'disqualified' ? { timelineData: { reason: after.disqualifiedReason } } : {};
    return { ...(net.length ? { counters: net } : {}), ...(verb ? { verb, timelineType: verb } : {}), ...reason };
  },
  createDefaults: { status: 'new', ownerId: LEAD_QUEUE },
  listQuery: leadListQuery as EntityDefinition['listQuery'],
  listFilters: { status: 'status', source: 'source', managerId: 'ownerManagerId' },
  phoneFields: ['phone'],
  // One live lead per email and one per phone (E.164), so submissions of one person racing each other cannot
  // both become new people: the guard items are written in the lead's transaction. Leads marked duplicate
  // share their original's address and number.
  uniqueFields: ['email', 'phone'],
  uniqueWhen: (f) => f.status !== 'duplicate',
  searchFields: ['email', 'phone', 'company'],
};

/** The lead as handed to an owner (by a rule, a claim or by hand): out of the queue, with its call-back deadline. */
export function assignedTo(lead: StoredRecord, ownerId: string, managerId: string | undefined, now: Date, callbackHours = DEFAULT_CALLBACK_HOURS): Record<string, unknown> {
  const { queueReason: _queued, ...rest } = lead;
  return {
    ...rest,
    ownerId,
    ...(managerId ? { ownerManagerId: managerId } : {}),
    status: 'assigned',
    assignedAt: now.toISOString(),
    callbackDueAt: new Date(now.getTime() + callbackHours * 3600_000).toISOString(),
  };
}
