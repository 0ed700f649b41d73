import { httpHandler, json } from '#commons/http.ts';

// Placeholder route (being built): the signed chat webhook.
export const handler = httpHandler(async () => json(501, { type: 'about:blank', title: 'Not Implemented', status: 501 }, { 'content-type': 'application/problem+json' }), { auth: false });
