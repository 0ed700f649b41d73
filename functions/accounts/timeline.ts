import { timelineHandler } from '../records/handlers.ts';
import { accountEntity } from './entity.ts';

export const handler = timelineHandler(accountEntity);
