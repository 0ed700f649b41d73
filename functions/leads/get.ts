import { getHandler } from '../records/handlers.ts';
import { leadEntity } from './entity.ts';

export const handler = getHandler(leadEntity);
