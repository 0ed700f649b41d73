import { getHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

export const handler = getHandler(accountEntity);
