import { createHandler } from '../records/handlers.ts';
import { contactEntity } from './entity.ts';

export const handler = createHandler(contactEntity);
