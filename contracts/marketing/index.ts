import { campaignsEvents, campaignsRoutes } from './campaigns.ts';
import { consentEvents, consentRoutes } from './consent.ts';
import { emailEvents } from './email.ts';
import { journeysEvents, journeysRoutes } from './journeys.ts';
import { scoringEvents, scoringRoutes } from './scoring.ts';
import { templatesEvents, templatesRoutes } from './templates.ts';

/**
 * Marketing (issue 10, MA-1…MA-4, MA-6, CD-9): each part declares its routes and events in its own file;
 * contracts/routes.ts and contracts/events.ts spread these.
 */
export const marketingRoutes = [...consentRoutes, ...templatesRoutes, ...campaignsRoutes, ...journeysRoutes, ...scoringRoutes];

export const marketingEvents = {
  ...emailEvents,
  ...consentEvents,
  ...templatesEvents,
  ...campaignsEvents,
  ...journeysEvents,
  ...scoringEvents,
} as const;
