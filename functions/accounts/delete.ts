import { deleteHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

export const handler = deleteHandler(accountEntity);
