import { updateHandler } from '../records/handlers.ts';
import { leadEntity } from './entity.ts';

export const handler = updateHandler(leadEntity);
