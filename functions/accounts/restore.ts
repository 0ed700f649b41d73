import { restoreHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

export const handler = restoreHandler(accountEntity);
