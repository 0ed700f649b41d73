import type { Context, EventBridgeEvent } from 'aws-lambda';
import { StaleVersion } from '#commons/errors.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { systemClock } from '#commons/clock.ts';
import { deleteSchedule, putTimer } from '#commons/schedules.ts';
import { parseEvent } from '#contracts/events.ts';
import { contactEntity } from '../contacts/entity.ts';
import { loadMarketingSettings } from '../consent/settings-store.ts';
import { loadTemplate, renderTemplate, type EmailTemplate } from '../email-templates/render.ts';
import { leadEntity } from '../leads/entity.ts';
import { sendMarketingEmail } from '../marketing-mail/send.ts';
import { recordDeps } from '../records/deps.ts';
import type { StoredRecord } from '../records/entity.ts';
import { commitChange, listRecords } from '../records/service.ts';
import { loadServiceDesk } from '../tickets/settings-store.ts';
import { DynamoViewStore } from '../views/store.ts';
import { campaignEntity } from './entity.ts';
import { runSendLoop, type Checkpoint, type Language, type MemberObject, type Recipient, type RunResult, type SendLoopDeps } from './send-loop.ts';
import { campaignSystem } from './service.ts';
import { loadCheckpoint, loadStats, pendingManualMembers, saveCheckpoint, saveMemberOutcomes } from './store.ts';

/**
 * The send job of an email campaign (MA-2): the target of the `campaign-send` rule (`campaign.send_requested`)
 * and of the `campaign-send` one-time schedules (a scheduled send at its time; the next part of a long send).
 * It wires the pure loop (send-loop.ts) to the segment (the view's filters through the record service, as the
 * campaigns system actor), the template renderer, sendMarketingEmail, the checkpoint and the Scheduler.
 */
export const CAMPAIGN_SEND_TARGET = 'campaign-send';
const PAGE = 100;
/** Stop taking pages this long before the Lambda's time runs out (a page at 14/s takes about 7 s). */
const RESERVE_MS = 60_000;
const DEFAULT_BUDGET_MS = 600_000;
export const DEFAULT_RATE = 14;

const whereParams = (where: Record<string, Record<string, unknown>>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [field, ops] of Object.entries(where)) {
    for (const [op, raw] of Object.entries(ops)) out[`where[${field}][${op}]`] = Array.isArray(raw) ? raw.map(String).join(',') : String(raw);
  }
  return out;
};

async function settingsOf(tenantId: string): Promise<{ rate: number; fromName?: string }> {
  try {
    const { settings } = await loadMarketingSettings(tenantId);
    return { rate: settings.sendRatePerSecond || DEFAULT_RATE, ...(settings.senderName ? { fromName: settings.senderName } : {}) };
  } catch (error) {
    await logger.warn('marketing settings unreadable; default sending rate', { tenantId, error: String(error) });
    return { rate: DEFAULT_RATE };
  }
}

async function defaultLanguageOf(tenantId: string): Promise<Language> {
  const desk = await loadServiceDesk(tenantId).catch(() => undefined);
  return desk?.supportAddresses[0]?.language ?? 'zh-CN';
}

/** Moves the campaign as the system (retrying a version race a few times); undefined when there is nothing to move. */
async function moveCampaign(tenantId: string, campaignId: string, change: (c: StoredRecord) => Record<string, unknown> | undefined, verb: string, timelineType: string): Promise<StoredRecord | undefined> {
  const deps = recordDeps();
  for (let attempt = 0; ; attempt++) {
    const current = await deps.store.get(tenantId, 'campaign', campaignId);
    if (!current) return undefined;
    const next = change(current);
    if (!next) return current;
    try {
      return await commitChange(campaignEntity, campaignSystem(tenantId), current, { ...current, ...next }, deps, { verb, timelineType });
    } catch (error) {
      if (error instanceof StaleVersion && attempt < 3) continue;
      throw error;
    }
  }
}

export interface RunOptions {
  readonly budgetMs?: number;
  /** Test hook: stop after this many pages (the crash test and the bench use it to split a send). */
  readonly maxPages?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs (or resumes) the send of `campaignId`: what the loop did, or why nothing ran. */
export async function runCampaignSend(tenantId: string, campaignId: string, options: RunOptions = {}): Promise<RunResult | 'not-sending' | 'no-template'> {
  const deps = recordDeps();
  const campaign = await deps.store.get(tenantId, 'campaign', campaignId);
  if (!campaign || campaign.deletedAt || campaign.type !== 'email') return 'not-sending';
  if (campaign.status !== 'sending') return 'not-sending';
  const templateId = String(campaign.templateId ?? '');
  const template: EmailTemplate | undefined = templateId ? await loadTemplate(tenantId, templateId) : undefined;
  if (!template) {
    await logger.error('campaign send without its template', { tenantId, campaignId, templateId });
    return 'no-template';
  }
  const [{ rate, fromName }, defaultLanguage] = await Promise.all([settingsOf(tenantId), defaultLanguageOf(tenantId)]);
  const actor = campaignSystem(tenantId);
  const segmentId = typeof campaign.segmentId === 'string' ? campaign.segmentId : undefined;
  const segmentObject: MemberObject = segmentId?.startsWith('vw-leads-') ? 'leads' : 'contacts';
  const view = segmentId ? await new DynamoViewStore().get(tenantId, segmentObject, segmentId) : undefined;
  const filters = view ? whereParams(view.where as Record<string, Record<string, unknown>>) : undefined;
  const entityOf = (o: MemberObject) => (o === 'leads' ? leadEntity : contactEntity);
  const owners = new Map<string, Promise<{ name: string; email?: string } | undefined>>();
  const ownerOf = (id: string) => {
    if (!owners.has(id)) owners.set(id, deps.store.getUser(tenantId, id).then((u) => (u ? { name: u.name, ...(u.email ? { email: u.email } : {}) } : undefined)).catch(() => undefined));
    return owners.get(id)!;
  };

  const loop: SendLoopDeps = {
    clock: systemClock, now: () => performance.now(),
    sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    ratePerSecond: rate, defaultLanguage,
    loadCheckpoint: () => loadCheckpoint(tenantId, campaignId),
    saveCheckpoint: (c) => saveCheckpoint(tenantId, campaignId, c),
    segmentTotal: async () => Number(campaign.audienceCount ?? 0),
    manualTotal: async () => (await loadStats(tenantId, campaignId)).manualMembers,
    async segmentPage(cursor) {
      if (!filters) return { items: [] };
      const page = await listRecords(entityOf(segmentObject), actor, { ...filters, limit: String(PAGE), ...(cursor ? { cursor } : {}) }, deps);
      return { items: page.items.map((record): Recipient => ({ object: segmentObject, record })), nextCursor: page.nextCursor ?? undefined };
    },
    async manualPage(cursor) {
      const page = await pendingManualMembers(tenantId, campaignId, cursor);
      const items: Recipient[] = [];
      for (const object of ['contacts', 'leads'] as const) {
        const ids = page.items.filter((m) => m.object === object).map((m) => m.recordId);
        if (!ids.length || !deps.store.getMany) continue;
        const found = await deps.store.getMany(tenantId, object === 'contacts' ? 'contact' : 'lead', ids);
        for (const id of ids) { const r = found.get(id); if (r && !r.deletedAt) items.push({ object, record: r }); }
      }
      return { items, nextCursor: page.nextCursor };
    },
    async render(r, language) {
      const owner = typeof r.record.ownerId === 'string' ? await ownerOf(r.record.ownerId) : undefined;
      return renderTemplate(template, language, { object: r.object, record: r.record, ...(owner ? { owner } : {}) });
    },
    send: (sendId, recipient, message) =>
      sendMarketingEmail(tenantId, sendId, recipient, { ...message, ...(fromName ? { fromName } : {}) }, { kind: 'campaign', campaignId, templateId }),
    saveMembers: (members) => saveMemberOutcomes(tenantId, campaignId, members),
    async finish(c: Checkpoint) {
      await moveCampaign(tenantId, campaignId, (cur) => (cur.status === 'sending' ? { status: 'sent', sentAt: c.updatedAt } : undefined), 'sent', 'campaign-sent');
    },
    continueLater: (part) => putTimer(keys.campaignSendSchedule(tenantId, campaignId, part), CAMPAIGN_SEND_TARGET, new Date(systemClock().getTime() + 1000), { tenantId, campaignId }),
  };
  const result = await runSendLoop({ id: campaignId, templateId }, loop, {
    budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS, ...(options.maxPages !== undefined ? { maxPages: options.maxPages } : {}),
  });
  await logger.info('campaign send', { tenantId, campaignId, done: result.done, counts: result.checkpoint.counts, total: result.checkpoint.total });
  return result;
}

/** A scheduled campaign whose time has come starts sending (the schedule's firing). */
async function startScheduled(tenantId: string, campaignId: string): Promise<void> {
  await moveCampaign(tenantId, campaignId, (c) => {
    if (c.status !== 'scheduled' || typeof c.scheduledAt !== 'string' || Date.parse(c.scheduledAt) > systemClock().getTime() + 1000) return undefined;
    return { status: 'sending', sendStartedAt: systemClock().toISOString() };
  }, 'updated', 'campaign-send-started');
}

const budgetOf = (context?: Pick<Context, 'getRemainingTimeInMillis'>) =>
  typeof context?.getRemainingTimeInMillis === 'function' ? Math.max(5_000, context.getRemainingTimeInMillis() - RESERVE_MS) : DEFAULT_BUDGET_MS;

/** The rule's event (`campaign.send_requested`, `campaign.send_cancelled`) or a schedule's input `{tenantId, campaignId}`. */
export async function onSendTrigger(event: EventBridgeEvent<string, unknown> | { tenantId?: unknown; campaignId?: unknown }, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<void> {
  if ('detail' in event) {
    const d = parseEvent(event.detail, ['campaign.send_requested', 'campaign.send_cancelled'] as const);
    const data = d.data as { status?: string; scheduledAt?: string };
    if (d.name === 'campaign.send_cancelled') {
      await deleteSchedule(keys.campaignSendSchedule(d.tenantId, d.subject.id));
      return;
    }
    if (data.status === 'scheduled' && data.scheduledAt) {
      // Deterministic name: a second delivery of the event moves the same schedule.
      await putTimer(keys.campaignSendSchedule(d.tenantId, d.subject.id), CAMPAIGN_SEND_TARGET, data.scheduledAt, { tenantId: d.tenantId, campaignId: d.subject.id });
      return;
    }
    await runCampaignSend(d.tenantId, d.subject.id, { budgetMs: budgetOf(context) });
    return;
  }
  const tenantId = typeof event.tenantId === 'string' ? event.tenantId : undefined;
  const campaignId = typeof event.campaignId === 'string' ? event.campaignId : undefined;
  if (!tenantId || !campaignId) return;
  await startScheduled(tenantId, campaignId);
  await runCampaignSend(tenantId, campaignId, { budgetMs: budgetOf(context) });
}

export const handler = withObservability(onSendTrigger);
