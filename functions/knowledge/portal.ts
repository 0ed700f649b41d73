import { httpHandler, json } from '#commons/http.ts';

// Placeholder routes (being built): published articles on the portal.
const notYet = httpHandler(async () => json(501, { type: 'about:blank', title: 'Not Implemented', status: 501 }, { 'content-type': 'application/problem+json' }), { auth: false });
export const portalArticles = { search: notYet, get: notYet };
