import { updateHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

export const handler = updateHandler(accountEntity);
