import { httpHandler, json } from '#commons/http.ts';

// Placeholder routes (being built): NPS settings and a send now.
const notYet = httpHandler(async () => json(501, { type: 'about:blank', title: 'Not Implemented', status: 501 }, { 'content-type': 'application/problem+json' }));

export const npsHandlers = { settings: notYet, putSettings: notYet, sendNow: notYet };
