import type { FieldDefinition, FieldType, Localized, ObjectDefinition } from '../metadata.ts';

/**
 * Issue 10 — templates: its standard object(s) as metadata (custom: false), listed by schemas/standard-objects.ts.
 * Built here with a local field helper (importing standard-objects.ts would be a module cycle).
 * The subject and body per language are maps (schemas/marketing/template.ts), edited on the template page;
 * the metadata describes the fields lists and views show.
 */
const l = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh });
const field = (apiName: string, type: FieldType, label: Localized, extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  apiName, type, label, required: false, unique: false, searchable: false, active: true, custom: false, ...extra,
});

export const EMAIL_TEMPLATES_OBJECT = 'email-templates';
export const EMAIL_TEMPLATE_TYPE = 'emailTemplate';

export const templateObjects: readonly ObjectDefinition[] = [{
  apiName: EMAIL_TEMPLATES_OBJECT,
  recordType: EMAIL_TEMPLATE_TYPE,
  label: l('Email template', '邮件模板'),
  labelPlural: l('Email templates', '邮件模板'),
  icon: 'message',
  nameField: 'name',
  searchable: true,
  custom: false,
  fields: [
    field('name', 'text', l('Template name', '模板名称'), { required: true, searchable: true }),
    field('description', 'longText', l('Description', '描述')),
    field('subscriptionType', 'text', l('Subscription type', '订阅类型')),
    field('ownerId', 'user', l('Owner', '负责人')),
  ],
}];
