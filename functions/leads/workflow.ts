import type { Principal } from '#commons/auth.ts';
import { assertCanWrite } from '#commons/permissions.ts';
import { HttpProblem, badRequest, conflict, notFound } from '#commons/problem.ts';
import { nameKey } from '#commons/keys.ts';
import { activityCreate, leadConvert, OPEN_LEAD_STATUSES, type LeadStatus } from '#schemas/lead.ts';
import { accountEntity } from '../accounts/entity.ts';
import { contactEntity } from '../contacts/entity.ts';
import { opportunityEntity } from '../opportunities/entity.ts';
import type { StoredRecord } from '../records/entity.ts';
import { commitChange, createRecord, etag, ifMatchHolds, parse, type RecordDeps } from '../records/service.ts';
import { LEAD_QUEUE, assignedTo, leadEntity } from './entity.ts';

/** The lead lifecycle beyond plain edits (SFA-3): claim from the queue, log contact, convert. */

async function loadLead(p: Principal, id: string, deps: RecordDeps): Promise<StoredRecord> {
  const lead = await deps.store.get(p.tenantId, 'lead', id);
  if (!lead || lead.deletedAt) throw notFound(`No lead with id ${id}.`);
  return lead;
}

/** A rep takes an unassigned lead from the queue; the version condition makes two claims race safely (one 412). */
export async function claimLead(p: Principal, id: string, deps: RecordDeps): Promise<StoredRecord> {
  const lead = await loadLead(p, id, deps);
  if (!String(lead.ownerId).startsWith('queue:') || lead.status !== 'new') throw conflict('This lead is no longer in the queue.', { ownerId: lead.ownerId });
  const now = deps.clock();
  const owner = await deps.store.getUser(p.tenantId, p.userId);
  try {
    return await commitChange(leadEntity, p, lead, assignedTo(lead, p.userId, owner?.managerId, now), deps, { verb: 'assigned', timelineType: 'claimed' });
  } catch (error) {
    // Someone claimed (or changed) it a moment earlier: say who has it now.
    if (error instanceof HttpProblem && error.status === 412) {
      const now2 = await loadLead(p, id, deps);
      throw conflict('Someone else claimed this lead first.', { ownerId: now2.ownerId });
    }
    throw error;
  }
}

/** Logs a call, email, meeting or note; the first real contact moves the lead to `contacted` and stops the timer. */
export async function logActivity(p: Principal, id: string, body: unknown, deps: RecordDeps): Promise<StoredRecord> {
  const activity = parse(activityCreate, body);
  const lead = await loadLead(p, id, deps);
  assertCanWrite(p, lead);
  const now = deps.clock().toISOString();
  const contact = activity.type !== 'note';
  const moves = contact && (lead.status === 'new' || lead.status === 'assigned');
  const merged: Record<string, unknown> = { ...lead, ...(contact ? { lastContactedAt: now } : {}), ...(moves ? { status: 'contacted' } : {}) };
  return commitChange(leadEntity, p, lead, merged, deps, {
    verb: moves ? 'contacted' : 'activity-logged', timelineType: activity.type, force: true,
    timelineData: { ...(activity.subject ? { subject: { type: 'activity', id: activity.type, name: activity.subject } } : {}), ...(activity.notes ? { notes: activity.notes } : {}), ...(activity.outcome ? { outcome: activity.outcome } : {}) },
  });
}

/**
 * Converts a lead into an account, a contact and optionally an opportunity, reusing what already exists
 * (account by name, contact by email or phone). The lead is written last, so a failed conversion can
 * simply be retried: what was created is found and reused.
 */
export async function convertLead(p: Principal, id: string, body: unknown, ifMatch: string | undefined, deps: RecordDeps) {
  const input = parse(leadConvert, body ?? {});
  const lead = await loadLead(p, id, deps);
  assertCanWrite(p, lead);
  if (!ifMatchHolds(ifMatch, lead.version)) throw conflict('The lead changed; reload it.', { currentVersion: lead.version });
  if (!OPEN_LEAD_STATUSES.includes(lead.status as LeadStatus)) throw conflict(`A ${lead.status} lead cannot be converted.`);
  const ownerId = String(lead.ownerId).startsWith('queue:') ? p.userId : String(lead.ownerId);
  const owner = p; // may assign the lead's owner: they own the lead, or p is a manager/admin

  let account: StoredRecord | undefined;
  if (input.accountId) {
    account = await deps.store.get(p.tenantId, 'account', input.accountId);
    if (!account || account.deletedAt) throw badRequest([{ path: 'accountId', message: 'No such account', code: 'unknown_reference' }]);
  } else if (typeof lead.company === 'string' && lead.company.trim()) {
    const key = nameKey(lead.company);
    account = (await deps.store.findByToken(p.tenantId, 'account', key)).find((a) => nameKey(a.name) === key && !a.deletedAt);
    account ??= await createRecord(accountEntity, owner, {
      name: lead.company, ...(lead.industry ? { industry: lead.industry } : {}), ...(lead.country ? { country: lead.country } : {}),
      ...(lead.region ? { region: lead.region } : {}), ...(lead.companySize !== undefined ? { employees: lead.companySize } : {}),
      source: lead.source ?? 'lead', ownerId,
    }, deps, { timelineData: { subject: { type: 'lead', id: lead.id, name: lead.name } } });
  }

  const email = typeof lead.email === 'string' ? lead.email.toLowerCase() : undefined;
  let contact: StoredRecord | undefined;
  if (email) {
    const existingId = await deps.store.uniqueOwner(p.tenantId, 'contact', 'email', email);
    if (existingId) contact = await deps.store.get(p.tenantId, 'contact', existingId);
  }
  if (!contact && typeof lead.phone === 'string') {
    contact = (await deps.store.findByToken(p.tenantId, 'contact', lead.phone.replace(/^\+/, ''))).find((c) => c.phone === lead.phone && !c.deletedAt);
  }
  contact ??= await createRecord(contactEntity, owner, {
    ...(lead.firstName ? { firstName: lead.firstName } : {}), ...(lead.lastName ? { lastName: lead.lastName } : {}),
    ...(lead.email ? { email: lead.email } : {}), ...(lead.phone ? { phone: lead.phone } : {}), ...(lead.title ? { title: lead.title } : {}),
    ...(lead.country ? { country: lead.country } : {}), ...(lead.language ? { language: lead.language } : {}),
    ...(account ? { accountId: account.id } : {}), source: lead.source ?? 'lead', ownerId,
  }, deps, { timelineData: { subject: { type: 'lead', id: lead.id, name: lead.name } } });

  let opportunity: StoredRecord | undefined;
  if (input.createOpportunity) {
    opportunity = await createRecord(opportunityEntity, owner, {
      name: input.opportunityName ?? `${account?.name ?? contact.name} – ${lead.source ?? 'lead'}`,
      ...(account ? { accountId: account.id } : {}), contactId: contact.id, leadId: lead.id, ownerId,
      ...(input.amount ? { amount: input.amount } : {}),
    }, deps);
  }

  const now = deps.clock();
  const convertedTo = { ...(account ? { accountId: account.id } : {}), contactId: contact.id, ...(opportunity ? { opportunityId: opportunity.id } : {}) };
  const subject = { type: 'lead', id: lead.id, name: lead.name };
  const note = (type: string, rid: string) => ({ type, id: rid, entry: { id: deps.newId(now), at: now.toISOString(), type: 'lead-converted', actor: { id: p.userId, name: p.name }, subject } });
  const converted = await commitChange(leadEntity, p, lead, { ...lead, status: 'converted', convertedAt: now.toISOString(), convertedTo }, deps, {
    verb: 'converted', timelineType: 'converted', timelineData: { convertedTo },
    extraTimeline: [...(account ? [note('account', account.id)] : []), note('contact', contact.id)],
  });
  return { lead: converted, account, contact, opportunity, etag: etag(converted.version) };
}

export { LEAD_QUEUE };

/** Manual entry: the lead is created in the queue; with an owner named, it is assigned to them at once. */
export async function enterLead(p: Principal, body: unknown, deps: RecordDeps): Promise<StoredRecord> {
  const { ownerId, ...fields } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const lead = await createRecord(leadEntity, p, fields, deps);
  if (ownerId === undefined) return lead;
  if (typeof ownerId !== 'string') throw badRequest([{ path: 'ownerId', message: 'Expected a user id', code: 'invalid_type' }]);
  if (ownerId !== p.userId && p.role !== 'admin' && p.role !== 'manager') {
    throw badRequest([{ path: 'ownerId', message: 'You may only assign leads to yourself', code: 'forbidden_field' }]);
  }
  const owner = await deps.store.getUser(p.tenantId, ownerId);
  if (!owner) throw badRequest([{ path: 'ownerId', message: 'No such user in this workspace', code: 'unknown_user' }]);
  const now = deps.clock();
  const stored = (await deps.store.get(p.tenantId, 'lead', lead.id))!;
  return commitChange(leadEntity, p, stored, assignedTo(stored, ownerId, owner.managerId, now), deps, {
    verb: 'assigned', timelineType: 'assigned', timelineData: { ownerId },
  });
}
