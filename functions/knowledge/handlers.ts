import { httpHandler, json } from '#commons/http.ts';

// Placeholder routes (being built): the knowledge base.
const notYet = httpHandler(async () => json(501, { type: 'about:blank', title: 'Not Implemented', status: 501 }, { 'content-type': 'application/problem+json' }));
export const articleHandlers = {
  suggested: notYet, create: notYet, list: notYet, get: notYet, update: notYet, remove: notYet, restore: notYet, timeline: notYet,
  audit: notYet, publish: notYet, unpublish: notYet, revisions: notYet, translations: notYet, search: notYet,
};
