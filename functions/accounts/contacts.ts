import { childrenHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

/** The contacts at an account, read from the account's own partition (one Query). */
export const handler = childrenHandler(accountEntity, 'contact');
