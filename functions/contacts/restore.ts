import { restoreHandler } from '../records/handlers.ts';
import { contactEntity } from './entity.ts';

export const handler = restoreHandler(contactEntity);
