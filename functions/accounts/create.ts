import { createHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

export const handler = createHandler(accountEntity);
