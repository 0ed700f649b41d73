import { updateHandler } from '../records/handlers.ts';
import { contactEntity } from './entity.ts';

export const handler = updateHandler(contactEntity);
