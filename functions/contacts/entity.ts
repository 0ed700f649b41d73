import { contactCreate, contactDisplayName, contactUpdate } from '#schemas/contact.ts';
import type { EntityDefinition } from '../records/entity.ts';

/** CD-1 contacts: people, one per email in a tenant, optionally at an account. */
export const contactEntity: EntityDefinition = {
  type: 'contact',
  plural: 'contacts',
  createSchema: contactCreate as EntityDefinition['createSchema'],
  updateSchema: contactUpdate as EntityDefinition['updateSchema'],
  displayName: (f) => contactDisplayName(f as { firstName?: string; lastName?: string }),
  validateMerged: (f) => (f.firstName || f.lastName ? [] : [{ path: 'lastName', message: 'Give a first or last name', code: 'custom' }]),
  phoneFields: ['phone', 'mobile'],
  uniqueFields: ['email'],
  searchFields: ['email', 'phone', 'mobile'],
  parent: { field: 'accountId', type: 'account', nameField: 'accountName' },
  // `?q=示例` finds the people at 上海示例科技, as CRMs search contacts by company.
  searchParentName: true,
  linkFields: ['email', 'phone', 'title'],
};
