import { auditHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

export const handler = auditHandler(accountEntity);
