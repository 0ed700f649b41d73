import { listHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

export const handler = listHandler(accountEntity);
