import { deleteHandler } from '../records/handlers.ts';
import { contactEntity } from './entity.ts';

export const handler = deleteHandler(contactEntity);
