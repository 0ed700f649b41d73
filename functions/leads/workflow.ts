import type * as z from 'zod/mini';
import { assertCan, type Actor } from '../policy/policy.ts';
import { derivedId, isId } from '#commons/ids.ts';
import { Conflict, StaleVersion, conflict, invalid, notFound } from '#commons/errors.ts';
import { nameKey } from '#commons/keys.ts';
import { ACTIVITY_TYPES, activityCreate, leadConvert, leadCreate, OPEN_LEAD_STATUSES, type LeadStatus } from '#schemas/lead.ts';
import { accountEntity } from '../accounts/entity.ts';
import { contactEntity } from '../contacts/entity.ts';
import { opportunityEntity } from '../opportunities/entity.ts';
import type { StoredRecord } from '../records/entity.ts';
import { commitChange, createRecord, etag, ifMatchHolds, parse, resolveOwner, type RecordDeps } from '../records/service.ts';
import { CounterConflict, type TimelineEntry } from '../records/store.ts';
import { visibility } from '../records/visibility.ts';
import { LEAD_QUEUE, assignedTo, leadEntity } from './entity.ts';

/** The lead lifecycle beyond plain edits (SFA-3): claim from the queue, log contact, convert. */

/** A live lead the caller may read (record visibility); any other is the same 404 as another tenant's. */
async function loadLead(p: Actor, id: string, deps: RecordDeps): Promise<StoredRecord> {
  const lead = isId(id) ? await deps.store.get(p.tenantId, 'lead', id) : undefined;
  if (!lead || lead.deletedAt || !(await visibility(p, deps).can('record:read', 'lead', lead))) throw notFound(`No lead with id ${id}.`);
  return lead;
}

/** A rep takes an unassigned lead from the queue; the version condition makes two claims race safely (one 412). */
export async function claimLead(p: Actor, id: string, deps: RecordDeps): Promise<StoredRecord> {
  assertCan(p, 'lead:claim');
  const lead = isId(id) ? await deps.store.get(p.tenantId, 'lead', id) : undefined;
  if (!lead || lead.deletedAt) throw notFound(`No lead with id ${id}.`);
  const inQueue = String(lead.ownerId).startsWith('queue:') && lead.status === 'new';
  if (!inQueue) {
    // Claimed meanwhile: the loser of a race learns that it was taken; who has it only if they may see it.
    const visible = await visibility(p, deps).can('record:read', 'lead', lead);
    throw conflict('This lead is no longer in the queue.', visible ? { ownerId: lead.ownerId } : {});
  }
  const now = deps.clock();
  const owner = await deps.store.getUser(p.tenantId, p.userId);
  try {
    return await commitChange(leadEntity, p, lead, assignedTo(lead, p.userId, owner?.managerId, now), deps, { verb: 'assigned', timelineType: 'claimed' });
  } catch (error) {
    // Someone claimed (or changed) it a moment earlier: say who has it now.
    if (error instanceof StaleVersion) {
      const now2 = await deps.store.get(p.tenantId, 'lead', id);
      const visible = now2 ? await visibility(p, deps).can('record:read', 'lead', now2) : false;
      throw conflict('Someone else claimed this lead first.', visible ? { ownerId: now2!.ownerId } : {});
    }
    throw error;
  }
}

/** Logs a call, email, meeting or note; the first real contact moves the lead to `contacted` and stops the timer. */
export async function logActivity(p: Actor, id: string, body: unknown, deps: RecordDeps): Promise<StoredRecord> {
  const activity = parse(activityCreate, body);
  const lead = await loadLead(p, id, deps);
  assertCan(p, 'lead:log-activity', { type: 'lead', record: lead });
  const now = deps.clock().toISOString();
  const contact = activity.type !== 'note';
  const moves = contact && (lead.status === 'new' || lead.status === 'assigned');
  const merged: Record<string, unknown> = { ...lead, ...(contact ? { lastContactedAt: now } : {}), ...(moves ? { status: 'contacted' } : {}) };
  return commitChange(leadEntity, p, lead, merged, deps, {
    verb: moves ? 'contacted' : 'activity-logged', timelineType: activity.type, force: true,
    timelineData: { ...(activity.subject ? { subject: { type: 'activity', id: activity.type, name: activity.subject } } : {}), ...(activity.notes ? { notes: activity.notes } : {}), ...(activity.outcome ? { outcome: activity.outcome } : {}) },
  });
}

type ConvertInput = z.infer<typeof leadConvert>;

/** A conversion under way, kept on the lead until it is done: whoever converts the lead next resumes it. */
interface PendingConversion {
  readonly id: string;
  readonly by: string;
  readonly startedAt: string;
  readonly ownerId: string;
  readonly input: ConvertInput;
}

const isStale = (error: unknown) => error instanceof StaleVersion;

/**
 * Creates a record with an id derived from the conversion, or finds the one an earlier attempt (a crash, a
 * concurrent resume) already created under that id.
 */
async function createOnce(type: string, create: (id: string) => Promise<StoredRecord>, id: string, p: Actor, deps: RecordDeps): Promise<StoredRecord> {
  const earlier = await deps.store.get(p.tenantId, type, id);
  if (earlier) return earlier;
  try {
    return await create(id);
  } catch (error) {
    if (!isStale(error)) throw error;
    const now = await deps.store.get(p.tenantId, type, id);
    if (!now) throw conflict('This lead is being converted right now; try again in a moment.');
    return now;
  }
}

/**
 * Converts a lead into an account, a contact and optionally an opportunity, reusing what already exists
 * (account by name, contact by email or phone). Safe under races and crashes:
 * 1. the conversion is claimed first: a version-checked write puts a pending conversion (its id, input and
 *    owner) on the lead, so of requests racing each other exactly one goes on and the others get 409;
 * 2. account, contact and opportunity get ids derived from the conversion id, so a repeated step (after a
 *    crash, or a resume racing the first attempt) finds what was written instead of writing it again;
 * 3. the lead is written last, converted, with the event; until then, converting it again resumes the
 *    pending conversion with its original input.
 */
export async function convertLead(p: Actor, id: string, body: unknown, ifMatch: string | undefined, deps: RecordDeps) {
  const input = parse(leadConvert, body ?? {});
  let lead = await loadLead(p, id, deps);
  assertCan(p, 'lead:convert', { type: 'lead', record: lead });
  if (!ifMatchHolds(ifMatch, lead.version)) throw conflict('The lead changed; reload it.', { currentVersion: lead.version });
  if (!OPEN_LEAD_STATUSES.includes(lead.status as LeadStatus)) throw conflict(`A ${lead.status} lead cannot be converted.`);
  if (input.accountId) {
    const account = await deps.store.get(p.tenantId, 'account', input.accountId);
    if (!account || account.deletedAt) throw invalid([{ path: 'accountId', message: 'No such account', code: 'unknown_reference' }]);
  }

  let pending = lead.conversion as PendingConversion | undefined;
  if (!pending) {
    const now = deps.clock();
    pending = {
      id: deps.newId(now), by: p.userId, startedAt: now.toISOString(), input,
      ownerId: String(lead.ownerId).startsWith('queue:') ? p.userId : String(lead.ownerId),
    };
    try {
      lead = await commitChange(leadEntity, p, lead, { ...lead, conversion: pending }, deps, { silent: true, force: true });
    } catch (error) {
      if (isStale(error)) throw conflict('Someone else is converting this lead right now.');
      throw error;
    }
  }
  return finishConversion(p, lead, pending, deps);
}

async function finishConversion(p: Actor, lead: StoredRecord, pending: PendingConversion, deps: RecordDeps) {
  const { input, ownerId } = pending;
  const owner = p; // may assign the lead's owner: they own the lead, or p is a manager/admin
  const from = { timelineData: { subject: { type: 'lead', id: lead.id, name: lead.name } } };

  let account: StoredRecord | undefined;
  if (input.accountId) {
    account = await deps.store.get(p.tenantId, 'account', input.accountId);
    if (!account || account.deletedAt) throw invalid([{ path: 'accountId', message: 'No such account', code: 'unknown_reference' }]);
  } else if (typeof lead.company === 'string' && lead.company.trim()) {
    const accountId = derivedId(pending.id, 'account');
    const key = nameKey(lead.company);
    account = await deps.store.get(p.tenantId, 'account', accountId)
      ?? (await deps.store.findByToken(p.tenantId, 'account', key)).find((a) => nameKey(a.name) === key && !a.deletedAt)
      ?? await createOnce('account', (rid) => createRecord(accountEntity, owner, {
        name: lead.company, ...(lead.industry ? { industry: lead.industry } : {}), ...(lead.country ? { country: lead.country } : {}),
        ...(lead.region ? { region: lead.region } : {}), ...(lead.companySize !== undefined ? { employees: lead.companySize } : {}),
        source: lead.source ?? 'lead', ownerId,
      }, deps, { ...from, id: rid }), accountId, p, deps);
  }

  const contactId = derivedId(pending.id, 'contact');
  let contact = await deps.store.get(p.tenantId, 'contact', contactId);
  const email = typeof lead.email === 'string' ? lead.email.toLowerCase() : undefined;
  if (!contact && email) {
    const existingId = await deps.store.uniqueOwner(p.tenantId, 'contact', 'email', email);
    if (existingId) contact = await deps.store.get(p.tenantId, 'contact', existingId);
  }
  if (!contact && typeof lead.phone === 'string') {
    contact = (await deps.store.findByToken(p.tenantId, 'contact', lead.phone.replace(/^\+/, ''))).find((c) => c.phone === lead.phone && !c.deletedAt);
  }
  if (!contact) {
    try {
      contact = await createOnce('contact', (rid) => createRecord(contactEntity, owner, {
        ...(lead.firstName ? { firstName: lead.firstName } : {}), ...(lead.lastName ? { lastName: lead.lastName } : {}),
        ...(lead.email ? { email: lead.email } : {}), ...(lead.phone ? { phone: lead.phone } : {}), ...(lead.title ? { title: lead.title } : {}),
        ...(lead.country ? { country: lead.country } : {}), ...(lead.language ? { language: lead.language } : {}),
        ...(account ? { accountId: account.id } : {}), source: lead.source ?? 'lead', ownerId,
      }, deps, { ...from, id: rid }), contactId, p, deps);
    } catch (error) {
      // A contact with this email appeared meanwhile (someone created it by hand): use it.
      const existingId = error instanceof Conflict ? error.extensions.existingId : undefined;
      const existing = typeof existingId === 'string' && existingId ? await deps.store.get(p.tenantId, 'contact', existingId) : undefined;
      if (!existing) throw error;
      contact = existing;
    }
  }

  let opportunity: StoredRecord | undefined;
  if (input.createOpportunity) {
    opportunity = await createOnce('opportunity', (rid) => createRecord(opportunityEntity, owner, {
      name: input.opportunityName ?? `${account?.name ?? contact.name} – ${lead.source ?? 'lead'}`,
      ...(account ? { accountId: account.id } : {}), contactId: contact.id, leadId: lead.id, ownerId,
      ...(input.amount ? { amount: input.amount } : {}),
    }, deps, { id: rid }), derivedId(pending.id, 'opportunity'), p, deps);
  }

  // The calls, emails, meetings and notes logged on the lead go on with the person: onto the contact's and
  // account's timelines (and the opportunity's), before the lead is written converted. Idempotent (same keys),
  // so a resumed conversion puts them again harmlessly.
  await copyActivities(p, lead, [...(account ? [['account', account.id] as const] : []), ['contact', contact.id] as const, ...(opportunity ? [['opportunity', opportunity.id] as const] : [])], deps);

  const now = deps.clock();
  const convertedTo = { ...(account ? { accountId: account.id } : {}), contactId: contact.id, ...(opportunity ? { opportunityId: opportunity.id } : {}) };
  const subject = { type: 'lead', id: lead.id, name: lead.name };
  const note = (type: string, rid: string) => ({ type, id: rid, entry: { id: deps.newId(now), at: now.toISOString(), type: 'lead-converted', actor: { id: p.userId, name: p.name }, subject } });
  const { conversion: _pending, ...rest } = lead;
  try {
    const converted = await commitChange(leadEntity, p, lead, { ...rest, status: 'converted', convertedAt: now.toISOString(), convertedTo, conversionId: pending.id }, deps, {
      verb: 'converted', timelineType: 'converted', timelineData: { convertedTo },
      extraTimeline: [...(account ? [note('account', account.id)] : []), note('contact', contact.id)],
    });
    return { lead: converted, account, contact, opportunity, etag: etag(converted.version) };
  } catch (error) {
    if (!isStale(error)) throw error;
    // A resume of the same conversion finished first: its result is this one's.
    const current = await deps.store.get(p.tenantId, 'lead', lead.id);
    if (current?.status === 'converted' && current.conversionId === pending.id) {
      return { lead: current, account, contact, opportunity, etag: etag(current.version) };
    }
    throw conflict('The lead changed while it was being converted; reload it and convert it again.');
  }
}

const LOGGED_ACTIVITIES: ReadonlySet<string> = new Set(ACTIVITY_TYPES);

/** Every activity on the lead's timeline (all pages), copied to each target with `from` naming the lead. */
async function copyActivities(p: Actor, lead: StoredRecord, targets: readonly (readonly [string, string])[], deps: RecordDeps): Promise<void> {
  const copies: { type: string; id: string; entry: TimelineEntry }[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.timeline(p.tenantId, 'lead', lead.id, 100, cursor);
    for (const entry of page.items) {
      if (!LOGGED_ACTIVITIES.has(entry.type)) continue;
      for (const [type, id] of targets) copies.push({ type, id, entry: { ...entry, from: { type: 'lead', id: lead.id, name: lead.name } } });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (copies.length) await deps.store.putTimeline(p.tenantId, copies);
}

export { LEAD_QUEUE };

/**
 * Manual entry: the lead is created in the queue; with an owner named, it is created assigned to them, in
 * the same transaction (and published as lead.assigned, so the owner is told). Everything — the fields, the
 * right to assign, that the owner exists — is checked before anything is written.
 */
export async function enterLead(p: Actor, body: unknown, deps: RecordDeps): Promise<StoredRecord> {
  const input = parse(leadCreate, body);
  const { ownerId, ...fields } = input as Record<string, unknown> & { ownerId?: string };
  if (ownerId === undefined) return createRecord(leadEntity, p, fields, deps);
  await resolveOwner(p, ownerId, deps);
  const owner = await deps.store.getUser(p.tenantId, ownerId);
  if (!owner) throw invalid([{ path: 'ownerId', message: 'No such user in this workspace', code: 'unknown_user' }]);
  const now = deps.clock();
  const assignment = assignedTo({} as StoredRecord, ownerId, owner.managerId, now);
  try {
    return await createRecord(leadEntity, p, fields, deps, {
      systemFields: assignment,
      verb: 'assigned',
      counters: [{ userId: ownerId, field: 'openLeads', delta: 1 }],
      extraTimeline: (record) => [{ type: 'lead', id: record.id, entry: { id: deps.newId(now), at: now.toISOString(), type: 'assigned', actor: { id: p.userId, name: p.name }, ownerId } }],
    });
  } catch (error) {
    // The owner left the directory between the check and the write.
    if (error instanceof CounterConflict) throw invalid([{ path: 'ownerId', message: 'No such user in this workspace', code: 'unknown_user' }]);
    throw error;
  }
}
