import { deleteHandler } from '../records/handlers.ts';
import { leadEntity } from './entity.ts';

export const handler = deleteHandler(leadEntity);
