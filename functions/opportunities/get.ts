import { getHandler } from '../records/handlers.ts';
import { opportunityEntity } from './entity.ts';

export const handler = getHandler(opportunityEntity);
