import type { RouteTable } from '#commons/router.ts';
import { httpHandler, json } from '#commons/http.ts';
import { notFound } from '#commons/errors.ts';
import { LINK_TOKEN } from '#commons/link-tokens.ts';
import { preferencesInput } from '#schemas/marketing/consent.ts';
import { recordDeps } from '../records/deps.ts';
import { parse } from '../records/service.ts';
import { preferenceRoute } from './links.ts';
import { preferencesView, savePreferences, unsubscribeOneClick } from './service.ts';
import { loadMarketingSettings } from './settings-store.ts';

/**
 * The public consent routes of the portal unit (issue 10), reached from a marketing email's links (no sign-in):
 * - `POST /api/unsubscribe/{token}`: RFC 8058 one-click unsubscribe (the mail client POSTs
 *   `List-Unsubscribe=One-Click` as a form): unsubscribes from the email's subscription type; again changes nothing.
 * - `GET /api/unsubscribe/{token}`: what a link scanner or a browser does with the header's URL: changes NOTHING,
 *   303 to the preference page.
 * - `GET /api/preferences/{token}`: the page's data (changes nothing); `POST`: the person's choices.
 */
export const consentPublicRoutes: RouteTable = {
  'POST /api/unsubscribe/{token}': httpHandler(async ({ params }) => {
    const deps = recordDeps();
    const route = await preferenceRoute(params.token!, deps.clock());
    await unsubscribeOneClick(route, deps);
    return json(200, { unsubscribed: true, subscriptionType: route.subscriptionType });
  }, { auth: false, rawBody: true, maxBodyBytes: 1024 }),

  'GET /api/unsubscribe/{token}': httpHandler(async ({ params }) => {
    if (!LINK_TOKEN.test(params.token!)) throw notFound('No such link.');
    return { statusCode: 303, headers: { location: `/preferences/${params.token}`, 'cache-control': 'no-store' }, body: '' };
  }, { auth: false }),

  'GET /api/preferences/{token}': httpHandler(async ({ params }) => {
    const deps = recordDeps();
    const route = await preferenceRoute(params.token!, deps.clock());
    const [person, { settings }] = await Promise.all([deps.store.get(route.tenantId, route.personType, route.recordId), loadMarketingSettings(route.tenantId)]);
    if (!person || person.deletedAt) throw notFound('No such link.');
    return json(200, preferencesView(person, route, settings), { 'cache-control': 'no-store' });
  }, { auth: false }),

  'POST /api/preferences/{token}': httpHandler(async ({ params, body }) => {
    const deps = recordDeps();
    const route = await preferenceRoute(params.token!, deps.clock());
    const input = parse(preferencesInput, body);
    const { settings } = await loadMarketingSettings(route.tenantId);
    const person = await savePreferences(route, input, settings, deps);
    return json(200, preferencesView(person, route, settings), { 'cache-control': 'no-store' });
  }, { auth: false, maxBodyBytes: 8 * 1024 }),
};
