import { restoreHandler } from '../records/handlers.ts';
import { leadEntity } from './entity.ts';

export const handler = restoreHandler(leadEntity);
