import { timelineHandler } from '../records/handlers.ts';
import { contactEntity } from './entity.ts';

export const handler = timelineHandler(contactEntity);
