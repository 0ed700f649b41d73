import { accountCreate, accountUpdate } from '#schemas/account.ts';
import type { EntityDefinition } from '../records/entity.ts';

/** CD-1 accounts: companies, found by name, domain, email or phone. */
export const accountEntity: EntityDefinition = {
  type: 'account',
  plural: 'accounts',
  createSchema: accountCreate as EntityDefinition['createSchema'],
  updateSchema: accountUpdate as EntityDefinition['updateSchema'],
  displayName: (f) => String(f.name ?? '').trim(),
  phoneFields: ['phone'],
  uniqueFields: [],
  searchFields: ['domain', 'email', 'phone'],
};
