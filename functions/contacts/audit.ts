import { auditHandler } from '../records/handlers.ts';
import { contactEntity } from './entity.ts';

export const handler = auditHandler(contactEntity);
