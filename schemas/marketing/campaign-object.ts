import type { FieldDefinition, FieldType, Localized, ObjectDefinition, PicklistOption } from '../metadata.ts';
import { CAMPAIGN_STATUSES, CAMPAIGN_TYPES } from './campaign.ts';

/**
 * Issue 10 — campaigns: the standard object `campaigns` as metadata (custom: false), listed by
 * schemas/standard-objects.ts. Its values are validated by schemas/marketing/campaign.ts; status, stats,
 * progress and results are the system's (functions/campaigns/).
 */
const l = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh });
const field = (apiName: string, type: FieldType, label: Localized, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  apiName, type, label, required: false, unique: false, searchable: false, active: true, custom: false, ...extra,
});
const typeLabels: Record<string, readonly [string, string]> = {
  email: ['Email', '邮件'], event: ['Event', '活动'], webinar: ['Webinar', '网络研讨会'], content: ['Content', '内容'], ads: ['Ads', '广告'], social: ['Social', '社交媒体'],
};
const statusLabels: Record<string, readonly [string, string]> = {
  draft: ['Draft', '草稿'], scheduled: ['Scheduled', '已排期'], sending: ['Sending', '发送中'], sent: ['Sent', '已发送'],
  planned: ['Planned', '计划中'], active: ['Active', '进行中'], completed: ['Completed', '已完成'],
};
const opts = (values: readonly string[], labels: Record<string, readonly [string, string]>): PicklistOption[] =>
  values.map((value, order) => ({ value, label: l(labels[value]![0], labels[value]![1]), order }));

const campaignFields: FieldDefinition[] = [
  field('name', 'text', l('Campaign name', '营销活动名称'), { required: true, searchable: true }),
  field('type', 'picklist', l('Type', '类型'), { required: true, options: opts(CAMPAIGN_TYPES, typeLabels) }),
  field('status', 'picklist', l('Status', '状态'), { options: opts(CAMPAIGN_STATUSES, statusLabels) }),
  field('startDate', 'date', l('Start date', '开始日期')),
  field('endDate', 'date', l('End date', '结束日期')),
  field('budget', 'money', l('Budget', '预算')),
  field('actualCost', 'money', l('Actual cost', '实际成本')),
  field('description', 'longText', l('Description', '描述')),
  field('ownerId', 'user', l('Owner', '负责人')),
];

export const campaignObjects: readonly ObjectDefinition[] = [
  { apiName: 'campaigns', recordType: 'campaign', label: l('Campaign', '营销活动'), labelPlural: l('Campaigns', '营销活动'), icon: 'promotion', nameField: 'name', searchable: true, custom: false, fields: campaignFields },
];
