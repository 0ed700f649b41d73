import { listHandler } from '../records/handlers.ts';
import { contactEntity } from './entity.ts';

export const handler = listHandler(contactEntity);
