import { getHandler } from '../records/handlers.ts';
import { contactEntity } from './entity.ts';

export const handler = getHandler(contactEntity);
