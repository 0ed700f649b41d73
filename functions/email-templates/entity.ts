import { DEFAULT_SUBSCRIPTION_TYPE, templateBodies, templateCreate, templateLanguages, templateUpdate } from '#schemas/marketing/template.ts';
import { EMAIL_TEMPLATE_TYPE, EMAIL_TEMPLATES_OBJECT } from '#schemas/marketing/template-object.ts';
import type { EntityDefinition } from '../records/entity.ts';

/**
 * Issue 10 (MA-6): email templates as a standard object on the record kernel (custom fields, lists, audit,
 * timeline, trash). Subject and body are maps by language; a language edited in the block editor keeps its
 * blocks and the server compiles them into that language's html (schemas/marketing/template.ts), so what is
 * stored and rendered is always html. `languages` says which versions are complete. Merge fields are
 * checked by functions/email-templates/service.ts before the kernel writes (it needs the tenant's custom fields).
 */
export const emailTemplateEntity: EntityDefinition = {
  type: EMAIL_TEMPLATE_TYPE,
  plural: EMAIL_TEMPLATES_OBJECT,
  createSchema: templateCreate as unknown as EntityDefinition['createSchema'],
  updateSchema: templateUpdate as unknown as EntityDefinition['updateSchema'],
  displayName: (f) => String(f.name ?? '').trim(),
  defaults: { subscriptionType: DEFAULT_SUBSCRIPTION_TYPE },
  phoneFields: [],
  uniqueFields: [],
  searchFields: [],
  derive(_before, after) {
    return { html: templateBodies(after), languages: templateLanguages(after) };
  },
};

/** Fields only the server sets. */
export const TEMPLATE_SYSTEM_FIELDS = ['languages'] as const;
