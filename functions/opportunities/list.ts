import { listHandler } from '../records/handlers.ts';
import { opportunityEntity } from './entity.ts';

export const handler = listHandler(opportunityEntity);
