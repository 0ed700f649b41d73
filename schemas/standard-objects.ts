import { LEAD_STATUSES } from './lead.ts';
import { DEFAULT_PIPELINE } from './pipeline.ts';
import { ACTIVITY_OUTCOMES, ACTIVITY_TYPES } from './activity.ts';
import { MARKETING_OBJECT_DEFINITIONS } from './marketing/objects.ts';
import type { FieldDefinition, FieldType, Localized, ObjectDefinition, PicklistOption, StandardObject } from './metadata.ts';

/**
 * The standard objects (account, contact, lead, opportunity, activity, ticket, article) as built-in metadata, `custom: false`: their
 * fields as the entity schemas (schemas/account.ts, contact.ts, lead.ts, opportunity.ts) define them. Their
 * values are still validated by those schemas and their code hooks (phone normalisation, unique email, the
 * lead lifecycle); this describes them so GET /api/metadata and the generic pages (next step) know them.
 * A tenant's custom fields are merged in from the table (functions/metadata/store.ts).
 * Not described yet: `tags` (free tags, no field type for them yet).
 */

const l = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh });
const opts = (pairs: ReadonlyArray<readonly [string, string, string]>): PicklistOption[] =>
  pairs.map(([value, en, zh], order) => ({ value, label: l(en, zh), order }));

const field = (apiName: string, type: FieldType, label: Localized, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  apiName, type, label, required: false, unique: false, searchable: false, active: true, custom: false, ...extra,
});

const languages = opts([['zh-CN', 'Chinese (Simplified)', '简体中文'], ['en', 'English', '英语']]);
const owner = field('ownerId', 'user', l('Owner', '负责人'));

const accountFields: FieldDefinition[] = [
  field('name', 'text', l('Account name', '客户名称'), { required: true, searchable: true }),
  field('domain', 'text', l('Domain', '域名')),
  field('website', 'url', l('Website', '网站')),
  field('industry', 'text', l('Industry', '行业')),
  field('phone', 'phone', l('Phone', '电话')),
  field('email', 'email', l('Email', '邮箱')),
  field('country', 'text', l('Country', '国家/地区'), { format: 'country' }),
  field('region', 'text', l('Region', '省/州')),
  field('city', 'text', l('City', '城市')),
  field('address', 'longText', l('Address', '地址')),
  field('employees', 'number', l('Employees', '员工人数')),
  field('annualRevenue', 'money', l('Annual revenue', '年收入')),
  field('source', 'text', l('Source', '来源'), { format: 'leadSource' }),
  field('description', 'longText', l('Description', '描述')),
  owner,
];

const contactFields: FieldDefinition[] = [
  field('firstName', 'text', l('First name', '名')),
  field('lastName', 'text', l('Last name', '姓')),
  field('email', 'email', l('Email', '邮箱'), { unique: true, searchable: true }),
  field('phone', 'phone', l('Phone', '电话'), { searchable: true }),
  field('mobile', 'phone', l('Mobile', '手机'), { searchable: true }),
  field('title', 'text', l('Title', '职位')),
  field('department', 'text', l('Department', '部门')),
  field('accountId', 'relation', l('Account', '客户'), { target: 'accounts' }),
  field('country', 'text', l('Country', '国家/地区'), { format: 'country' }),
  field('city', 'text', l('City', '城市')),
  field('language', 'picklist', l('Language', '语言'), { options: languages }),
  field('source', 'text', l('Source', '来源'), { format: 'leadSource' }),
  field('notes', 'longText', l('Notes', '备注')),
  // Personal data (CD-7): only managers and admins read or write it. A field permission in metadata, so the
  // policy, GET /api/metadata (readable/writable) and the web app all take it from here.
  field('nationalId', 'text', l('National ID', '身份证号'), { permissions: { rep: 'none', marketer: 'none', agent: 'none' } }),
  owner,
];

const leadStatusLabels: Record<string, readonly [string, string]> = {
  new: ['New', '新建'], assigned: ['Assigned', '已分配'], contacted: ['Contacted', '已联系'], qualified: ['Qualified', '已确认'],
  converted: ['Converted', '已转化'], disqualified: ['Disqualified', '已取消资格'], duplicate: ['Duplicate', '重复'],
};

const leadFields: FieldDefinition[] = [
  field('firstName', 'text', l('First name', '名')),
  field('lastName', 'text', l('Last name', '姓')),
  field('email', 'email', l('Email', '邮箱'), { searchable: true }),
  field('phone', 'phone', l('Phone', '电话'), { searchable: true }),
  field('company', 'text', l('Company', '公司')),
  field('title', 'text', l('Title', '职位')),
  field('country', 'text', l('Country', '国家/地区'), { format: 'country' }),
  field('region', 'text', l('Region', '省/州')),
  field('industry', 'text', l('Industry', '行业')),
  field('companySize', 'number', l('Company size', '公司规模')),
  field('source', 'text', l('Source', '来源'), { format: 'leadSource' }),
  field('message', 'longText', l('Message', '留言')),
  field('externalId', 'text', l('External ID', '外部编号')),
  field('language', 'picklist', l('Language', '语言'), { options: languages }),
  field('score', 'number', l('Score', '评分')),
  field('status', 'picklist', l('Status', '状态'), {
    options: opts(LEAD_STATUSES.map((s) => [s, leadStatusLabels[s]![0], leadStatusLabels[s]![1]] as const)),
  }),
  owner,
];

const opportunityFields: FieldDefinition[] = [
  field('name', 'text', l('Opportunity name', '商机名称'), { required: true, searchable: true }),
  field('accountId', 'relation', l('Account', '客户'), { target: 'accounts' }),
  field('contactId', 'relation', l('Contact', '联系人'), { target: 'contacts' }),
  field('amount', 'money', l('Amount', '金额')),
  // The pipeline (functions/pipelines): a picklist of the tenant's pipelines; the board and forms choose it.
  field('pipelineId', 'picklist', l('Pipeline', '销售流程'), { options: opts([[DEFAULT_PIPELINE.id, DEFAULT_PIPELINE.name.en, DEFAULT_PIPELINE.name['zh-CN']]]) }),
  // The default pipeline's stages (schemas/pipeline.ts); a tenant's other pipelines bring their own labels.
  field('stage', 'picklist', l('Stage', '阶段'), {
    options: opts(DEFAULT_PIPELINE.stages.map((st) => [st.id, st.label.en, st.label['zh-CN']] as const)),
  }),
  field('forecastCategory', 'picklist', l('Forecast category', '预测类别'), {
    options: opts([['pipeline', 'Pipeline', '管道'], ['bestCase', 'Best case', '最佳情况'], ['commit', 'Commit', '承诺'], ['omitted', 'Omitted', '不计入']]),
  }),
  field('lostReason', 'picklist', l('Lost reason', '输单原因'), {
    options: opts([['price', 'Price', '价格'], ['competitor', 'Competitor', '竞争对手'], ['noDecision', 'No decision', '未决策'], ['timing', 'Timing', '时机'], ['other', 'Other', '其他']]),
  }),
  field('nextStep', 'longText', l('Next step', '下一步')),
  field('source', 'text', l('Source', '来源'), { format: 'leadSource' }),
  field('closeDate', 'date', l('Close date', '预计成交日期')),
  field('leadId', 'relation', l('Lead', '线索'), { target: 'leads' }),
  owner,
];

const activityTypeLabels: Record<string, readonly [string, string]> = {
  call: ['Call', '电话'], meeting: ['Meeting', '会议'], email: ['Email', '邮件'], note: ['Note', '备注'], task: ['Task', '任务'],
};
const outcomeLabels: Record<string, readonly [string, string]> = {
  reached: ['Reached', '已接通'], voicemail: ['Left a voicemail', '已留言'], 'no-answer': ['No answer', '无人接听'],
  'wrong-number': ['Wrong number', '号码错误'], 'callback-requested': ['Asked to call back later', '要求稍后回电'], sent: ['Sent', '已发送'],
  replied: ['Replied', '已回复'], held: ['Held', '已举行'], 'no-show': ['No-show', '未出席'], rescheduled: ['Rescheduled', '已改期'],
};

// SFA-5: what the records it is about (`relatedTo`) are is set by the composer on their pages, not a field here.
const activityFields: FieldDefinition[] = [
  field('subject', 'text', l('Subject', '主题'), { required: true, searchable: true }),
  field('type', 'picklist', l('Type', '类型'), { required: true, options: opts(ACTIVITY_TYPES.map((t) => [t, activityTypeLabels[t]![0], activityTypeLabels[t]![1]] as const)) }),
  field('dueAt', 'datetime', l('Due', '截止时间')),
  field('startAt', 'datetime', l('Start', '开始时间')),
  field('endAt', 'datetime', l('End', '结束时间')),
  field('remindAt', 'datetime', l('Remind me at', '提醒时间')),
  field('done', 'boolean', l('Done', '已完成')),
  field('outcome', 'picklist', l('Outcome', '结果'), { options: opts(ACTIVITY_OUTCOMES.map((o) => [o, outcomeLabels[o]![0], outcomeLabels[o]![1]] as const)) }),
  field('notes', 'longText', l('Notes', '备注')),
  owner,
];

// SVC-1: a support ticket. Its number, SLA and conversation are the service desk's (functions/tickets/);
// the queue is one of the tenant's service-desk queues (Settings → Service desk), so it is free text here.
const ticketFields: FieldDefinition[] = [
  field('subject', 'text', l('Subject', '主题'), { required: true, searchable: true }),
  field('number', 'text', l('Number', '工单号'), { searchable: true }),
  field('status', 'picklist', l('Status', '状态'), {
    options: opts([['new', 'New', '新建'], ['open', 'Open', '处理中'], ['pending', 'Pending on customer', '等待客户'], ['onHold', 'On hold', '挂起'], ['solved', 'Solved', '已解决'], ['closed', 'Closed', '已关闭']]),
  }),
  field('priority', 'picklist', l('Priority', '优先级'), { options: opts([['low', 'Low', '低'], ['normal', 'Normal', '普通'], ['high', 'High', '高'], ['urgent', 'Urgent', '紧急']]) }),
  field('channel', 'picklist', l('Channel', '渠道'), { options: opts([['email', 'Email', '邮件'], ['web', 'Web form', '网页表单'], ['portal', 'Portal', '客户门户'], ['api', 'API', 'API'], ['chat', 'Chat', '在线聊天']]) }),
  field('category', 'text', l('Category', '类别')),
  field('queueId', 'text', l('Queue', '队列')),
  field('assigneeId', 'user', l('Assignee', '处理人')),
  field('contactId', 'relation', l('Contact', '联系人'), { target: 'contacts' }),
  field('accountId', 'relation', l('Account', '客户'), { target: 'accounts' }),
  field('requesterEmail', 'email', l('Requester email', '提交人邮箱'), { searchable: true }),
  field('requesterName', 'text', l('Requester', '提交人')),
  field('description', 'longText', l('Description', '描述')),
  owner,
];

// SVC-2: a knowledge-base article (one record per language version). Publishing and its revisions are the
// knowledge base's (functions/knowledge/); the category is free text the knowledge base groups by.
const articleFields: FieldDefinition[] = [
  field('title', 'text', l('Title', '标题'), { required: true, searchable: true }),
  field('summary', 'longText', l('Summary', '摘要')),
  field('category', 'text', l('Category', '分类')),
  field('language', 'picklist', l('Language', '语言'), { options: languages }),
  field('status', 'picklist', l('Status', '状态'), { options: opts([['draft', 'Draft', '草稿'], ['published', 'Published', '已发布'], ['archived', 'Archived', '已归档']]) }),
  field('visibility', 'picklist', l('Visible to', '可见范围'), { options: opts([['public', 'Customers and staff', '客户与员工'], ['internal', 'Staff only', '仅员工']]) }),
  field('translationOf', 'relation', l('Translation of', '译自'), { target: 'articles' }),
  field('publishedAt', 'datetime', l('Published', '发布时间')),
  owner,
];

const object = (apiName: StandardObject, recordType: string, label: Localized, labelPlural: Localized, icon: string, nameField: string, fields: FieldDefinition[]): ObjectDefinition => ({
  apiName, recordType, label, labelPlural, icon, nameField, searchable: true, custom: false, fields,
});

/** The standard objects, in the order the app lists them. */
export const STANDARD_OBJECT_DEFINITIONS: readonly ObjectDefinition[] = [
  object('accounts', 'account', l('Account', '客户'), l('Accounts', '客户'), 'building', 'name', accountFields),
  object('contacts', 'contact', l('Contact', '联系人'), l('Contacts', '联系人'), 'user', 'name', contactFields),
  object('leads', 'lead', l('Lead', '线索'), l('Leads', '线索'), 'inbox', 'name', leadFields),
  object('opportunities', 'opportunity', l('Opportunity', '商机'), l('Opportunities', '商机'), 'target', 'name', opportunityFields),
  object('activities', 'activity', l('Activity', '活动'), l('Activities', '活动'), 'calendar', 'subject', activityFields),
  object('tickets', 'ticket', l('Ticket', '工单'), l('Tickets', '工单'), 'ticket', 'subject', ticketFields),
  object('articles', 'article', l('Article', '知识文章'), l('Knowledge base', '知识库'), 'reading', 'title', articleFields),
  // Issue 10: email templates and campaigns (schemas/marketing/).
  ...MARKETING_OBJECT_DEFINITIONS,
];

export const standardObject = (apiName: string) => STANDARD_OBJECT_DEFINITIONS.find((o) => o.apiName === apiName);
export const standardObjectOfType = (recordType: string) => STANDARD_OBJECT_DEFINITIONS.find((o) => o.recordType === recordType);

/**
 * A custom object as an ObjectDefinition: its stored definition with the one built-in field every record has
 * (the owner); the tenant's custom fields are merged in by the caller, as for the standard objects.
 */
export function customObjectDefinition(o: Omit<ObjectDefinition, 'fields'>): ObjectDefinition {
  return {
    apiName: o.apiName, recordType: o.recordType, label: o.label, labelPlural: o.labelPlural, icon: o.icon,
    nameField: o.nameField, searchable: o.searchable, custom: true, fields: [owner],
  };
}

/**
 * Per-role permissions of a standard field (from its metadata above), if it has any: what the policy decides
 * `field:read` / `field:write` by (functions/policy/policy.ts).
 */
export function standardFieldPermissions(recordType: string, field: string): FieldDefinition['permissions'] | undefined {
  return standardObjectOfType(recordType)?.fields.find((f) => f.apiName === field)?.permissions;
}

/** The standard fields some role may not read, by record type (they are left out of domain events, masked in audit). */
export const RESTRICTED_STANDARD_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  STANDARD_OBJECT_DEFINITIONS.map((o) => [o.recordType, o.fields.filter((f) => Object.values(f.permissions ?? {}).some((a) => a !== 'write')).map((f) => f.apiName)] as const)
    .filter(([, fields]) => fields.length > 0),
);
