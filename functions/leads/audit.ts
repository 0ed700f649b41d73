import { auditHandler } from '../records/handlers.ts';
import { leadEntity } from './entity.ts';

export const handler = auditHandler(leadEntity);
