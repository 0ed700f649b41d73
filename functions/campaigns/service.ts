import { conflict, invalid, InvalidInput, staleVersion, type FieldError } from '#commons/errors.ts';
import { campaignSend, memberAdd, memberListQuery, STAT_NAMES, type CampaignResults, type CampaignStats } from '#schemas/marketing/campaign.ts';
import { loadTemplate } from '../email-templates/render.ts';
import { assertCan, systemActor, type Actor } from '../policy/policy.ts';
import type { StoredRecord } from '../records/entity.ts';
import { commitChange, createRecord, ifMatchHolds, loadForWrite, loadRecord, parse, type RecordDeps } from '../records/service.ts';
import { visibility } from '../records/visibility.ts';
import { countView, getView, type ViewDeps } from '../views/service.ts';
import { campaignEntity as def } from './entity.ts';
import { doneOf } from './send-loop.ts';
import { addMembers, listMembers, loadCheckpoint, loadStats, type StatsItem } from './store.ts';

/**
 * Campaigns' workflow over the record kernel (MA-2): creating one checks its template and segment; sending
 * moves an email campaign draft → sending (or scheduled) in one transaction with `campaign.send_requested`,
 * which the send job (functions/campaigns/send-job.ts) picks up; reading one adds its stats, progress and
 * results from the campaign's aggregate and checkpoint items (two GetItems, never a scan of sends).
 */
type Fields = Record<string, unknown>;

/** The send job and the result consumers act as this system actor (audited as `system:campaigns`). */
export const campaignSystem = (tenantId: string) => systemActor(tenantId, 'nps', 'Campaigns', 'system:campaigns');

const MAX_SCHEDULE_DAYS = 365;
/** The campaign's workflow verbs: `campaign.<verb>` in contracts/marketing/campaigns.ts. */
export const VERBS = { sendRequested: 'send_requested', sendCancelled: 'send_cancelled', sent: 'sent' } as const;

async function templateExists(tenantId: string, templateId: string): Promise<boolean> {
  try {
    const t = await loadTemplate(tenantId, templateId);
    return Boolean(t && !t.deletedAt);
  } catch (error) {
    // The templates part not there yet (issue 10 scaffold): the send refuses what it cannot render.
    if (error instanceof Error && /not implemented/.test(error.message)) return true;
    throw error;
  }
}

/** The template and segment a body names, checked: each missing or unknown one named in a 400. */
async function checkReferences(p: Actor, input: Fields, viewDeps: ViewDeps): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (typeof input.templateId === 'string' && !(await templateExists(p.tenantId, input.templateId))) {
    errors.push({ path: 'templateId', message: 'No such email template', code: 'unknown_template' });
  }
  if (typeof input.segmentId === 'string') {
    try {
      await getView(p, input.segmentId, viewDeps);
    } catch {
      errors.push({ path: 'segmentId', message: 'No such saved view (or you cannot see it)', code: 'unknown_segment' });
    }
  }
  return errors;
}

/** POST /api/campaigns (marketers and admins). */
export async function createCampaign(p: Actor, body: unknown, deps: RecordDeps, viewDeps: ViewDeps): Promise<StoredRecord> {
  assertCan(p, 'campaigns:manage');
  const input = body && typeof body === 'object' && !Array.isArray(body) ? (body as Fields) : {};
  const refs = await checkReferences(p, input, viewDeps);
  if (refs.length) {
    // The schema's own errors come too, so one 400 names every bad field.
    try { parse(def.createSchema, body); } catch (error) { if (error instanceof InvalidInput) refs.push(...error.errors); }
    throw invalid(refs);
  }
  return createRecord(def, p, body, deps);
}

/** PATCH (marketers and admins): the kernel's update, with the references checked. */
export async function checkUpdate(p: Actor, body: unknown, viewDeps: ViewDeps): Promise<void> {
  assertCan(p, 'campaigns:manage');
  const input = body && typeof body === 'object' && !Array.isArray(body) ? (body as Fields) : {};
  const refs = await checkReferences(p, input, viewDeps);
  if (refs.length) throw invalid(refs);
}

export interface CampaignView extends StoredRecord {
  stats: CampaignStats;
  progress: { done: number; total: number };
  results: CampaignResults;
}

/** What a campaign adds up to (AN-3), from its aggregate and its money fields. */
export function resultsOf(record: Fields, s: StatsItem): CampaignResults {
  const cost = record.actualCost as { amount: number; currency: string } | undefined;
  const budget = record.budget as { amount: number; currency: string } | undefined;
  const spent = cost?.amount ?? 0;
  return {
    leadsInfluenced: s.leadsInfluenced, contactsInfluenced: s.contactsInfluenced, opportunitiesInfluenced: s.opportunitiesInfluenced,
    pipelineInfluenced: s.pipelineInfluenced, revenueInfluenced: s.revenueInfluenced,
    currency: cost?.currency ?? budget?.currency ?? 'CNY', cost: spent,
    costPerLead: spent && s.leadsInfluenced ? Math.round(spent / s.leadsInfluenced) : null,
    roi: spent ? Math.round(((s.revenueInfluenced - spent) / spent) * 1000) / 1000 : null,
  };
}

export async function withFigures(tenantId: string, record: StoredRecord): Promise<CampaignView> {
  const [s, cp] = await Promise.all([loadStats(tenantId, record.id), loadCheckpoint(tenantId, record.id)]);
  const stats = Object.fromEntries(STAT_NAMES.map((n) => [n, s[n]])) as CampaignStats;
  const done = cp ? doneOf(cp.counts) : 0;
  const expected = cp ? cp.total : Number(record.audienceCount ?? 0) + s.manualMembers;
  return { ...record, stats, progress: { done, total: Math.max(expected, done) }, results: resultsOf(record, s) };
}

/** GET /api/campaigns/{id}: the record with `stats`, `progress` and `results`. */
export async function getCampaign(p: Actor, id: string, deps: RecordDeps): Promise<CampaignView> {
  assertCan(p, 'campaigns:read');
  const record = await loadRecord(def, p, id, deps);
  return withFigures(p.tenantId, record);
}

/**
 * POST /api/campaigns/{id}/send `{"at"?}`: a draft email campaign with a template and a segment (or members
 * added by hand) goes to `sending`, or to `scheduled` at `at`; 409 once it is on its way.
 */
export async function sendCampaign(p: Actor, id: string, body: unknown, ifMatch: string | undefined, deps: RecordDeps, viewDeps: ViewDeps): Promise<StoredRecord> {
  assertCan(p, 'campaigns:send');
  const input = parse(campaignSend, body ?? {});
  const current = await loadForWrite(def, p, id, deps);
  if (!ifMatchHolds(ifMatch, current.version)) throw staleVersion('Someone else changed this campaign; reload it.', current.version, current);
  if (current.deletedAt) throw conflict('This campaign is deleted; restore it before sending it.');
  if (current.type !== 'email') throw invalid([{ path: 'type', message: 'Only email campaigns are sent', code: 'not_email' }]);
  if (current.status !== 'draft') throw conflict(`This campaign is ${String(current.status)} already.`, { status: current.status });
  const now = deps.clock();
  const errors: FieldError[] = [];
  if (typeof current.templateId !== 'string') errors.push({ path: 'templateId', message: 'Choose the email template first', code: 'required' });
  const stats = await loadStats(p.tenantId, id);
  if (typeof current.segmentId !== 'string' && stats.manualMembers === 0) errors.push({ path: 'segmentId', message: 'Choose a segment (or add members) first', code: 'required' });
  if (input.at) {
    const at = Date.parse(input.at);
    if (at <= now.getTime()) errors.push({ path: 'at', message: 'A scheduled send is in the future', code: 'in_past' });
    else if (at - now.getTime() > MAX_SCHEDULE_DAYS * 86400_000) errors.push({ path: 'at', message: `At most ${MAX_SCHEDULE_DAYS} days ahead`, code: 'too_far' });
  }
  errors.push(...(await checkReferences(p, current, viewDeps)));
  if (errors.length) throw invalid(errors);
  let audienceCount = 0;
  if (typeof current.segmentId === 'string') audienceCount = (await countView(p, current.segmentId, viewDeps)).count;
  const scheduled = input.at ? new Date(input.at).toISOString() : undefined;
  const merged: Fields = {
    ...current, status: scheduled ? 'scheduled' : 'sending', audienceCount, sendRequestedBy: p.userId,
    ...(scheduled ? { scheduledAt: scheduled } : { sendStartedAt: now.toISOString() }),
  };
  if (!scheduled) delete merged.scheduledAt;
  const timelineType = scheduled ? 'campaign-scheduled' : 'campaign-send-requested';
  return commitChange(def, p, current, merged, deps, { timelineType, timelineData: scheduled ? { at: scheduled } : {}, verb: VERBS.sendRequested });
}

/** POST /api/campaigns/{id}/cancel-send: a scheduled campaign not started yet goes back to draft. */
export async function cancelSend(p: Actor, id: string, ifMatch: string | undefined, deps: RecordDeps): Promise<StoredRecord> {
  assertCan(p, 'campaigns:send');
  const current = await loadForWrite(def, p, id, deps);
  if (!ifMatchHolds(ifMatch, current.version)) throw staleVersion('Someone else changed this campaign; reload it.', current.version, current);
  if (current.status !== 'scheduled') throw conflict('Only a scheduled send that has not started can be cancelled.', { status: current.status });
  const merged: Fields = { ...current, status: 'draft' };
  delete merged.scheduledAt;
  return commitChange(def, p, current, merged, deps, { verb: VERBS.sendCancelled, timelineType: 'campaign-send-cancelled' });
}

/** GET /api/campaigns/{id}/members: a page of members with their status (one Query). */
export async function campaignMembers(p: Actor, id: string, query: unknown, deps: RecordDeps) {
  assertCan(p, 'campaigns:read');
  const q = parse(memberListQuery, query ?? {});
  await loadRecord(def, p, id, deps);
  return listMembers(p.tenantId, id, q.limit ? Number(q.limit) : 50, q.cursor);
}

/** POST /api/campaigns/{id}/members `{"object","ids"}`: contacts or leads by hand (each one the caller may read). */
export async function addCampaignMembers(p: Actor, id: string, body: unknown, deps: RecordDeps): Promise<{ added: number; members: number }> {
  assertCan(p, 'campaigns:manage');
  const input = parse(memberAdd, body);
  const campaign = await loadForWrite(def, p, id, deps);
  if (campaign.deletedAt) throw conflict('This campaign is deleted.');
  if (campaign.status === 'sent') throw conflict('This campaign was sent; members added now would not be mailed.');
  const type = input.object === 'contacts' ? 'contact' : 'lead';
  const vis = visibility(p, deps);
  const found = deps.store.getMany ? await deps.store.getMany(p.tenantId, type, input.ids) : new Map<string, StoredRecord>();
  const errors: FieldError[] = [];
  const records: StoredRecord[] = [];
  for (const [i, rid] of input.ids.entries()) {
    const r = found.get(rid);
    if (!r || r.deletedAt || !(await vis.can('record:read', type, r))) errors.push({ path: `ids.${i}`, message: `No ${type} with id ${rid}`, code: 'unknown_record' });
    else records.push(r);
  }
  if (errors.length) throw invalid(errors);
  const added = await addMembers(p.tenantId, id, input.object, records, deps.clock().toISOString());
  const stats = await loadStats(p.tenantId, id);
  return { added, members: stats.manualMembers };
}

