import * as z from 'zod/mini';
import type { OperationDoc } from '../api.ts';
import { journey, journeyInput, journeyMember, journeyStats } from './journey.ts';

/** OpenAPI docs of the issue 10 journeys routes (contracts/marketing/journeys.ts), keyed by route name; spread into schemas/api.ts. */
const tag = 'journeys';
export const journeysOperations: Readonly<Record<string, OperationDoc>> = {
  'journeys-list': { summary: 'Every nurturing journey of the workspace with its status, version and entered/active/exited/completed counts', tag, response: z.object({ items: z.array(journey), nextCursor: z.nullable(z.string()) }) },
  'journeys-create': { summary: 'Build a journey (marketers and admins): a trigger event with a `where`, steps (wait, sendEmail, branch, createTask, updateField, addTag, notifyOwner, handToSales, exit) linked by `next`/`then`/`else`, exits and a re-entry policy; every bad field named in a 400. Starts as a draft, version 1', tag, request: journeyInput, response: journey, status: 201 },
  'journeys-get': { summary: 'A journey (its newest version; the ETag is the version)', tag, response: journey },
  'journeys-update': { summary: 'Save the journey as its next version (If-Match; 412 when stale). On an active journey, people entering from now get the new version; people inside finish on the version they entered', tag, request: journeyInput, response: journey, ifMatch: true },
  'journeys-activate': { summary: 'Turn the journey on: its trigger starts entering people on the newest version', tag, response: journey, ifMatch: true },
  'journeys-pause': { summary: 'Stop entering people (those inside go on)', tag, response: journey, ifMatch: true },
  'journeys-stats': { summary: 'Per step how many people are there, waiting, exited there and went through; the journey\'s totals (kept by each transition, not counted)', tag, response: journeyStats },
  'journeys-member': { summary: 'Where a contact or lead is in the journey: run, version, step, waiting until, and what happened (newest first)', tag, response: journeyMember },
  'journey-members-of-record': { summary: 'A contact\'s or lead\'s place in every journey it is or was in (the journeys panel of its page)', tag, response: z.object({ items: z.array(journeyMember) }) },
};
