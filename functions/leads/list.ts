import { listHandler } from '../records/handlers.ts';
import { leadEntity } from './entity.ts';

export const handler = listHandler(leadEntity);
