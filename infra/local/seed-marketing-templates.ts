import type { Principal } from '../../functions/commons/auth.ts';
import { systemClock } from '../../functions/commons/clock.ts';
import { newId } from '../../functions/commons/ids.ts';
import { emailTemplateEntity } from '../../functions/email-templates/entity.ts';
import { DynamoRecordStore } from '../../functions/records/dynamo-store.ts';
import { createRecord, type RecordDeps } from '../../functions/records/service.ts';
import type { TemplateBlock } from '../../schemas/marketing/template.ts';
import type { SeedOwner } from './seed-records.ts';

/** The demo templates' ids (fixed, so a second seed finds them and the docs and tests can name them). */
export const SEED_TEMPLATE_IDS = { welcome: 'tpl-welcome', webinar: 'tpl-webinar' } as const;

const welcome: Record<'en' | 'zh-CN', TemplateBlock[]> = {
  en: [
    { type: 'heading', text: 'Welcome to Cirrus, {{contact.firstName | "there"}}!' },
    { type: 'text', text: 'Thank you for your interest in Cirrus CRM. {{owner.name | "Our team"}} will be your contact person and is happy to answer any questions about {{lead.company | "your company"}}.\n\nHere is where most teams start:' },
    { type: 'button', text: 'Take the product tour', url: 'https://cirrus.example.com/tour' },
    { type: 'divider' },
    { type: 'text', text: 'Best regards,\n{{owner.name | "The Cirrus team"}}' },
  ],
  'zh-CN': [
    { type: 'heading', text: '{{contact.firstName | "您好"}}，欢迎了解 Cirrus！' },
    { type: 'text', text: '感谢您关注 Cirrus CRM。{{owner.name | "我们的团队"}}将作为您的专属联系人，乐意解答{{lead.company | "贵公司"}}的任何问题。\n\n大多数团队从这里开始：' },
    { type: 'button', text: '观看产品导览', url: 'https://cirrus.example.com/tour' },
    { type: 'divider' },
    { type: 'text', text: '此致\n{{owner.name | "Cirrus 团队"}}' },
  ],
};

const webinar: Record<'en' | 'zh-CN', TemplateBlock[]> = {
  en: [
    { type: 'heading', text: 'Live webinar: Selling smarter with Cirrus' },
    { type: 'text', text: 'Hi {{contact.firstName | "there"}},\n\nJoin us for 45 minutes on pipeline hygiene, lead scoring and nurturing journeys — with a live Q&A at the end.' },
    { type: 'button', text: 'Save my seat', url: 'https://cirrus.example.com/webinar' },
    { type: 'text', text: 'Cannot make it? Register anyway and we will send you the recording.' },
  ],
  'zh-CN': [
    { type: 'heading', text: '在线研讨会：用 Cirrus 更聪明地销售' },
    { type: 'text', text: '{{contact.firstName | "您好"}}，\n\n诚邀您参加 45 分钟的在线分享：销售漏斗管理、线索评分与培育旅程，最后设有现场答疑。' },
    { type: 'button', text: '立即报名', url: 'https://cirrus.example.com/webinar' },
    { type: 'text', text: '无法准时参加？报名后我们会把回放发给您。' },
  ],
};

/** Issue 10 — templates: the demo tenant starts with a welcome email and a webinar invitation, both in both languages. */
export async function seedTemplates(tenantId: string, marketer: SeedOwner): Promise<void> {
  const deps: RecordDeps = { store: new DynamoRecordStore(), clock: systemClock, newId };
  const actor: Principal = { tenantId, userId: marketer.id, email: marketer.email, name: marketer.name, role: 'marketer', groups: ['marketer'] };
  const templates = [
    { id: SEED_TEMPLATE_IDS.welcome, body: { name: 'Welcome email / 欢迎邮件', subscriptionType: 'product-updates', subject: { en: 'Welcome to Cirrus, {{contact.firstName | "there"}}', 'zh-CN': '{{contact.firstName | "您好"}}，欢迎了解 Cirrus' }, blocks: welcome } },
    { id: SEED_TEMPLATE_IDS.webinar, body: { name: 'Webinar invitation / 研讨会邀请', subscriptionType: 'events', subject: { en: 'You are invited: Selling smarter with Cirrus', 'zh-CN': '邀请您参加：用 Cirrus 更聪明地销售' }, blocks: webinar } },
  ];
  for (const t of templates) {
    if (await deps.store.get(tenantId, emailTemplateEntity.type, t.id)) continue;
    await createRecord(emailTemplateEntity, actor, t.body, deps, { id: t.id });
  }
}
