import { opportunityCreate, opportunityUpdate } from '#schemas/opportunity.ts';
import type { EntityDefinition } from '../records/entity.ts';

/** SFA-4 opportunities (a stub created by lead conversion until pipelines arrive). */
export const opportunityEntity: EntityDefinition = {
  type: 'opportunity',
  plural: 'opportunities',
  createSchema: opportunityCreate as EntityDefinition['createSchema'],
  updateSchema: opportunityUpdate as EntityDefinition['updateSchema'],
  displayName: (f) => String(f.name ?? '').trim(),
  defaults: { stage: 'prospecting' },
  phoneFields: [],
  uniqueFields: [],
  searchFields: [],
  parent: { field: 'accountId', type: 'account', nameField: 'accountName' },
};
