import { appUrl } from '#commons/app-url.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { OPEN_LEAD_STATUSES } from '#schemas/lead.ts';
import { deliverOnce, recipientOf } from '../notifications/deliver.ts';
import { followUpMail } from '../notifications/templates.ts';
import { recordDeps } from '../records/deps.ts';
import type { StoredRecord } from '../records/entity.ts';
import type { RecordStore } from '../records/store.ts';
import { followUpSince, loadFollowUpSettings } from './store.ts';
import type { FollowUpInput } from './watchdog.ts';

/** Still watched: live, owned by a person, and open (a lead in an open status, a deal not won or lost). */
export function stillWatched(type: string, r: StoredRecord | undefined, openDeals = 0): r is StoredRecord {
  if (!r || r.deletedAt || typeof r.ownerId !== 'string' || r.ownerId.startsWith('queue:') || r.ownerId === 'pool') return false;
  if (type === 'lead') return (OPEN_LEAD_STATUSES as readonly string[]).includes(String(r.status));
  if (type === 'opportunity') return r.stageKind !== 'won' && r.stageKind !== 'lost' && !r.closedAt;
  if (type === 'account') return openDeals > 0;
  return false;
}

/** An account's open deals, from its list of deals (one Query of its partition; a link without a stage kind counts as open). */
async function openDealsOf(store: RecordStore, tenantId: string, accountId: string): Promise<number> {
  let open = 0;
  let cursor: string | undefined;
  do {
    const page = await store.children(tenantId, 'account', accountId, 100, cursor, 'opportunity');
    open += page.items.filter((d) => d.stageKind !== 'won' && d.stageKind !== 'lost').length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && open === 0);
  return open;
}

/**
 * Fires when a watched record has had no activity for the tenant's `alertAfterDays` (SFA-6): its owner and the
 * owner's manager get an in-app notification and an email, once per lapse (keyed by the record and the time of
 * its last activity). A timer for an older lapse (an activity since moved the state on), a closed, deleted or
 * unowned record, or a second firing does nothing.
 */
export async function checkFollowUp(input: FollowUpInput, store: RecordStore, sinceNow: string | undefined): Promise<'alerted' | 'nothing-to-do'> {
  if (sinceNow !== input.since) return 'nothing-to-do';
  const record = await store.get(input.tenantId, input.type, input.id);
  const openDeals = input.type === 'account' && record ? await openDealsOf(store, input.tenantId, input.id) : 0;
  if (!stillWatched(input.type, record, openDeals)) return 'nothing-to-do';
  const owner = await recipientOf(input.tenantId, record.ownerId);
  if (!owner) return 'nothing-to-do';
  const { alertAfterDays } = await loadFollowUpSettings(input.tenantId);
  const url = await appUrl();
  const key = `follow-up:${input.type}:${input.id}:${input.since}`;
  const facts = { type: input.type, id: record.id, name: record.name, since: input.since, days: alertAfterDays };
  const notification = (title: string) => ({ at: input.since, kind: 'follow-up-overdue', subject: { type: input.type, id: record.id, name: record.name }, data: { title, since: input.since } });
  const mail = followUpMail(facts, owner.language, owner.timeZone, url);
  await deliverOnce(input.tenantId, owner, key, notification(mail.subject), mail);
  const manager = await recipientOf(input.tenantId, owner.managerId);
  if (manager) {
    const toManager = followUpMail({ ...facts, ownerName: owner.name }, manager.language, manager.timeZone, url);
    await deliverOnce(input.tenantId, manager, key, notification(toManager.subject), toManager);
  }
  return 'alerted';
}

async function fromSchedule(event: FollowUpInput): Promise<string> {
  const result = await checkFollowUp(event, recordDeps().store, await followUpSince(event.tenantId, event.type, event.id));
  await logger.info('follow-up check', { ...event, result });
  return result;
}

/** The Scheduler target `follow-up-check`. */
export const handler = withObservability(fromSchedule);
