import type { EventBridgeEvent } from 'aws-lambda';
import { StaleVersion } from '#commons/errors.ts';
import { withObservability } from '#commons/observability.ts';
import { parseEvent } from '#contracts/events.ts';
import { contactEntity } from '../contacts/entity.ts';
import { leadEntity } from '../leads/entity.ts';
import { opportunityEntityWith } from '../opportunities/entity.ts';
import { loadPipelines } from '../pipelines/store.ts';
import { recordDeps } from '../records/deps.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { commitChange } from '../records/service.ts';
import { parseSendId } from './send-loop.ts';
import { campaignSystem } from './service.ts';
import { countEvent, loadContribution, moveContribution } from './store.ts';

/**
 * The campaign results consumer (MA-2, AN-3), target of the `campaign-results` rule:
 * - email events of a campaign's messages (sent, skipped, delivered, bounced, complained, unique opens and
 *   clicks) and unsubscribes from them (consent.changed) add to the campaign's stats aggregate and stamp the
 *   member, once per event id (the dedupe item is in the same transaction);
 * - a click on a campaign email is a touch: the contact or lead gets `lastTouch` (and `firstTouch` when it has
 *   none) through the record kernel as the campaigns system actor (audited), and counts as influenced;
 * - a converted lead's touches go to its opportunity; an opportunity touched by a campaign adds its amount to
 *   the campaign's pipeline, and to its revenue once won (a contribution item per opportunity moves the sums
 *   by the difference, so replays and later changes never count twice).
 */
type Data = Record<string, unknown>;
type Touch = { campaignId: string; at: string; via?: string; campaignName?: string };

const EMAIL_EVENTS = ['email.sent', 'email.skipped', 'email.delivered', 'email.bounced', 'email.complained', 'email.opened', 'email.clicked'] as const;
const RECORD_EVENTS = ['consent.changed', 'lead.converted', 'opportunity.created', 'opportunity.updated', 'opportunity.stage_changed', 'opportunity.deleted', 'opportunity.restored'] as const;
export const RESULT_EVENTS = [...EMAIL_EVENTS, ...RECORD_EVENTS] as const;

/** What one email event adds to the stats, and the member stamp it sets. */
export function emailEffect(name: string, data: Data): { add: Record<string, number>; stamp?: string } {
  const first = data.first !== false;
  switch (name) {
    case 'email.sent': return { add: { sent: 1 } };
    case 'email.skipped': return { add: { skipped: 1 } };
    case 'email.delivered': return { add: { delivered: 1 }, stamp: 'deliveredAt' };
    case 'email.bounced': return { add: { bounced: 1 }, stamp: 'bouncedAt' };
    case 'email.complained': return { add: { complained: 1 }, stamp: 'complainedAt' };
    case 'email.opened': return first ? { add: { opened: 1 }, stamp: 'openedAt' } : { add: {} };
    case 'email.clicked': return first ? { add: { clicked: 1 }, stamp: 'clickedAt' } : { add: {} };
    default: return { add: {} };
  }
}

/** Which campaign a message came from: `data.campaignId`, else its sendId. */
function campaignOf(data: Data): { campaignId: string; object?: 'contacts' | 'leads'; recordId?: string } | undefined {
  const parsed = typeof data.sendId === 'string' ? parseSendId(data.sendId) : undefined;
  const campaignId = typeof data.campaignId === 'string' ? data.campaignId : parsed?.campaignId;
  return campaignId ? { campaignId, ...(parsed ? { object: parsed.object, recordId: parsed.recordId } : {}) } : undefined;
}

const entityOfType = (type: string): EntityDefinition | undefined => (type === 'contact' ? contactEntity : type === 'lead' ? leadEntity : undefined);

/** Commits a change to a record as the campaigns system, reading again when someone else changed it first. */
async function changeRecord(tenantId: string, def: EntityDefinition, id: string, change: (r: StoredRecord) => Data | undefined): Promise<StoredRecord | undefined> {
  const deps = recordDeps();
  for (let attempt = 0; ; attempt++) {
    const current = await deps.store.get(tenantId, def.type, id);
    if (!current || current.deletedAt) return undefined;
    const next = change(current);
    if (!next) return undefined;
    try {
      return await commitChange(def, campaignSystem(tenantId), current, { ...current, ...next }, deps, { timelineType: 'campaign-touch' });
    } catch (error) {
      if (error instanceof StaleVersion && attempt < 4) continue;
      throw error;
    }
  }
}

/** A click on a campaign email: the person's last touch (and first, if none) is this campaign. */
async function touch(tenantId: string, type: string, id: string, campaignId: string, at: string): Promise<void> {
  const def = entityOfType(type);
  if (!def) return;
  const deps = recordDeps();
  const campaign = await deps.store.get(tenantId, 'campaign', campaignId);
  const t: Touch = { campaignId, at, via: 'email-click', ...(campaign ? { campaignName: campaign.name } : {}) };
  await changeRecord(tenantId, def, id, (r) => {
    const last = r.lastTouch as Touch | undefined;
    if (last?.campaignId === campaignId && last.at >= at) return undefined;
    return { lastTouch: t, ...(r.firstTouch ? {} : { firstTouch: t }) };
  });
  // Counted once per person and campaign.
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await loadContribution(tenantId, campaignId, type, id);
    if (before?.influenced) return;
    if (await moveContribution(tenantId, campaignId, type, id, before, { influenced: 1, pipeline: 0, revenue: 0 }, { influenced: type === 'lead' ? 'leadsInfluenced' : 'contactsInfluenced' })) return;
  }
}

const touchesOf = (r: Data): Touch[] => [r.firstTouch, r.lastTouch].filter((t): t is Touch => Boolean(t && typeof (t as Touch).campaignId === 'string'));

/** An opportunity's share of a campaign's results: influenced, its amount as pipeline, and as revenue once won. */
export function opportunityShare(o: Data, currency: string | undefined): { influenced: number; pipeline: number; revenue: number } {
  if (o.deletedAt) return { influenced: 0, pipeline: 0, revenue: 0 };
  const amount = o.amount as { amount?: number; currency?: string } | undefined;
  const value = amount && typeof amount.amount === 'number' && (!currency || amount.currency === currency) ? amount.amount : 0;
  return { influenced: 1, pipeline: o.stageKind === 'lost' ? 0 : value, revenue: o.stageKind === 'won' ? value : 0 };
}

async function opportunityChanged(tenantId: string, o: Data): Promise<void> {
  const deps = recordDeps();
  const id = String(o.id);
  const version = Number(o.version ?? 0);
  for (const campaignId of new Set(touchesOf(o).map((t) => t.campaignId))) {
    const campaign = await deps.store.get(tenantId, 'campaign', campaignId);
    const money = (campaign?.actualCost ?? campaign?.budget) as { currency?: string } | undefined;
    const share = opportunityShare(o, money?.currency);
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await loadContribution(tenantId, campaignId, 'opportunity', id);
      // An older version of the opportunity arriving late changes nothing.
      if (before && (before.sourceVersion ?? 0) >= version) break;
      if (await moveContribution(tenantId, campaignId, 'opportunity', id, before, { ...share, sourceVersion: version }, {
        influenced: 'opportunitiesInfluenced', pipeline: 'pipelineInfluenced', revenue: 'revenueInfluenced',
      })) break;
    }
  }
}

/** A converted lead's campaign touches go with it to its opportunity (first touch kept if it had one). */
async function leadConverted(tenantId: string, lead: Data): Promise<void> {
  const touches = { first: lead.firstTouch as Touch | undefined, last: lead.lastTouch as Touch | undefined };
  const opportunityId = (lead.convertedTo as { opportunityId?: string } | undefined)?.opportunityId;
  if (!opportunityId || (!touches.first && !touches.last)) return;
  const def = opportunityEntityWith(await loadPipelines(tenantId));
  await changeRecord(tenantId, def, opportunityId, (o) => {
    const next: Data = {};
    if (!o.firstTouch && (touches.first ?? touches.last)) next.firstTouch = touches.first ?? touches.last;
    if (touches.last && (o.lastTouch as Touch | undefined)?.at !== touches.last.at) next.lastTouch = touches.last;
    return Object.keys(next).length ? next : undefined;
  });
}

export async function onResultEvent(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const d = parseEvent(event.detail, RESULT_EVENTS);
  const data = d.data as Data;
  const tenantId = d.tenantId;
  if ((EMAIL_EVENTS as readonly string[]).includes(d.name)) {
    const c = campaignOf(data);
    if (!c) return;
    const { add, stamp } = emailEffect(d.name, data);
    const object = c.object ?? (d.subject.type === 'lead' ? 'leads' : 'contacts');
    const recordId = c.recordId ?? d.subject.id;
    const counted = await countEvent(tenantId, c.campaignId, d.eventId, add, stamp ? { object, recordId, set: { [stamp]: d.occurredAt } } : undefined);
    if (counted && d.name === 'email.clicked') await touch(tenantId, object === 'leads' ? 'lead' : 'contact', recordId, c.campaignId, d.occurredAt);
    return;
  }
  if (d.name === 'consent.changed') {
    const c = campaignOf(data);
    if (!c || data.status !== 'unsubscribed') return;
    const object = c.object ?? (d.subject.type === 'lead' ? 'leads' : 'contacts');
    await countEvent(tenantId, c.campaignId, d.eventId, { unsubscribed: 1 }, { object, recordId: c.recordId ?? d.subject.id, set: { unsubscribedAt: d.occurredAt } });
    return;
  }
  if (d.name === 'lead.converted') return leadConverted(tenantId, data);
  if (d.subject.type === 'opportunity' && touchesOf(data).length) return opportunityChanged(tenantId, { ...data, id: d.subject.id });
}

export const handler = withObservability(onResultEvent);
