import type { ObjectDefinition } from '../metadata.ts';
import { campaignObjects } from './campaign-object.ts';
import { templateObjects } from './template-object.ts';

/**
 * Marketing's standard objects (issue 10: email templates and campaigns are objects — custom fields, views,
 * audit, timeline): each part defines its own; schemas/standard-objects.ts lists them after the others.
 */
export const MARKETING_OBJECT_DEFINITIONS: readonly ObjectDefinition[] = [...templateObjects, ...campaignObjects];
