import { derivedId } from '#commons/ids.ts';
import { InvalidInput, DomainError } from '#commons/errors.ts';
import type { JourneyStep } from '#schemas/marketing/journey.ts';
import { activityEntity } from '../activities/entity.ts';
import { assignLead } from '../assignment/assign-lead.ts';
import { addMembers } from '../campaigns/store.ts';
import { contactEntity } from '../contacts/entity.ts';
import { loadTemplate, renderTemplate } from '../email-templates/render.ts';
import { leadEntity } from '../leads/entity.ts';
import { sendMarketingEmail } from '../marketing-mail/send.ts';
import { deliverOnce, recipientOf } from '../notifications/deliver.ts';
import { systemActor, type SystemActor } from '../policy/policy.ts';
import type { StoredRecord } from '../records/entity.ts';
import { createRecord, updateRecord, type RecordDeps } from '../records/service.ts';
import { addDuration } from './time.ts';

/**
 * What an action step does to the person (MA-3), each idempotent under its key `journey:<id>:<run>:<step>`:
 * the email's send record is that key (functions/marketing-mail: at most once), the task's id is derived from it,
 * the owner's notification is claimed under it; a field or tag set twice is the same value. A step that cannot
 * be done (no owner, a field the record refuses) is recorded as such and the run goes on; a failure that may
 * pass (SES refusing, the table busy) throws, and the event or schedule is retried.
 */
export interface ActionContext {
  tenantId: string;
  journeyId: string;
  journeyName: string;
  version: number;
  object: 'leads' | 'contacts';
  record: StoredRecord;
  key: string;
  zone: string;
  now: Date;
  deps: RecordDeps;
}
export type Outcome = Record<string, unknown>;

/**
 * The journey engine acts as itself. The shared policy has no `journey` system actor yet, so it borrows the
 * grants of the seeding actor (create, read, update, assign); audit and timelines show `system:journey`.
 */
export const journeyActor = (tenantId: string, journeyName: string): SystemActor => systemActor(tenantId, 'seed', `Journey: ${journeyName}`, 'system:journey');

const entityOf = (object: ActionContext['object']) => (object === 'leads' ? leadEntity : contactEntity);
const isUser = (id: unknown): id is string => typeof id === 'string' && id !== '' && !id.startsWith('queue:') && id !== 'pool' && !id.startsWith('system:');
const languageOf = (r: StoredRecord): 'zh-CN' | 'en' => (r.language === 'zh-CN' ? 'zh-CN' : r.language === 'en' ? 'en' : r.country === 'CN' ? 'zh-CN' : 'en');

export async function performAction(step: JourneyStep, c: ActionContext): Promise<Outcome> {
  const actor = journeyActor(c.tenantId, c.journeyName);
  switch (step.type) {
    case 'sendEmail': {
      const template = await loadTemplate(c.tenantId, String(step.templateId));
      if (!template) return { skipped: 'noTemplate' };
      const owner = isUser(c.record.ownerId) ? await recipientOf(c.tenantId, c.record.ownerId) : undefined;
      const rendered = renderTemplate(template, languageOf(c.record), { object: c.object, record: c.record, ...(owner ? { owner: { name: owner.name, email: owner.email } } : {}) });
      const outcome = await sendMarketingEmail(c.tenantId, c.key, { object: c.object, record: c.record }, rendered, {
        kind: 'journey', journeyId: c.journeyId, journeyVersion: c.version, stepId: step.id, templateId: String(step.templateId),
      });
      if (outcome.status === 'refused') throw new Error(`SES refused the journey email ${c.key}: ${outcome.reason}`);
      return { email: outcome.status, ...('reason' in outcome ? { reason: outcome.reason } : {}), ...('messageId' in outcome && outcome.messageId ? { messageId: outcome.messageId } : {}) };
    }
    case 'createTask': {
      if (!isUser(c.record.ownerId)) return { skipped: 'noOwner' };
      const id = derivedId(c.record.id, c.key);
      if (await c.deps.store.get(c.tenantId, 'activity', id)) return { taskId: id };
      const dueAt = addDuration(c.now, step.dueIn ?? 'P1D', c.zone).toISOString();
      try {
        await createRecord(activityEntity, actor, {
          type: 'task', subject: step.subject, dueAt, ownerId: c.record.ownerId,
          relatedTo: [{ object: c.object, id: c.record.id }], ...(step.message ? { notes: step.message } : {}),
        }, c.deps, { id });
      } catch (error) {
        if (await c.deps.store.get(c.tenantId, 'activity', id)) return { taskId: id };
        if (error instanceof InvalidInput) return { failed: 'task', errors: error.errors };
        throw error;
      }
      return { taskId: id, ownerId: c.record.ownerId, dueAt };
    }
    case 'updateField':
    case 'addTag': {
      let patch: Record<string, unknown>;
      if (step.type === 'updateField') {
        if (c.record[String(step.field)] === step.value) return { unchanged: step.field };
        patch = { [String(step.field)]: step.value ?? null };
      } else {
        const tags = Array.isArray(c.record.tags) ? (c.record.tags as string[]) : [];
        const has = tags.includes(String(step.tag));
        if (has !== !!step.remove) return { unchanged: 'tags' };
        patch = { tags: step.remove ? tags.filter((t) => t !== step.tag) : [...tags, String(step.tag)] };
      }
      try {
        await updateRecord(entityOf(c.object), actor, c.record.id, patch, undefined, c.deps);
        return { set: Object.keys(patch) };
      } catch (error) {
        if (error instanceof DomainError) return { failed: Object.keys(patch).join(','), reason: error.message };
        throw error;
      }
    }
    case 'notifyOwner': {
      const owner = isUser(c.record.ownerId) ? await recipientOf(c.tenantId, c.record.ownerId) : undefined;
      if (!owner) return { skipped: 'noOwner' };
      const title = step.subject ?? (owner.language === 'zh-CN' ? `培育旅程「${c.journeyName}」：${c.record.name}` : `Journey "${c.journeyName}": ${c.record.name}`);
      const text = [title, step.message ?? ''].filter(Boolean).join('\n\n');
      await deliverOnce(c.tenantId, owner, c.key, {
        at: c.now.toISOString(), kind: 'journey-notify',
        subject: { type: c.object === 'leads' ? 'lead' : 'contact', id: c.record.id, name: c.record.name }, data: { title, journeyId: c.journeyId },
      }, { subject: title, text, html: `<p>${escapeHtml(title)}</p>${step.message ? `<p>${escapeHtml(step.message)}</p>` : ''}` });
      return { notified: owner.id };
    }
    case 'addToCampaign': {
      // A member added by hand (the campaign's members list shows it; a later send of the campaign mails it once).
      const campaign = await c.deps.store.get(c.tenantId, 'campaign', String(step.campaignId));
      if (!campaign || campaign.deletedAt) return { skipped: 'noCampaign' };
      const added = await addMembers(c.tenantId, campaign.id, c.object, [{ id: c.record.id, name: String(c.record.name ?? ''), email: c.record.email }], c.now.toISOString());
      return { campaignId: campaign.id, added: added > 0 };
    }
    case 'handToSales': {
      if (c.object !== 'leads') return { skipped: 'notALead' };
      const outcome = await assignLead(c.tenantId, c.record.id, c.key, c.deps);
      return { assignment: outcome.result, ...('ownerId' in outcome ? { ownerId: outcome.ownerId } : {}) };
    }
    default:
      return {};
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
