import { timelineHandler } from '../records/handlers.ts';
import { leadEntity } from './entity.ts';

export const handler = timelineHandler(leadEntity);
