import type { RouteTable } from '#commons/router.ts';
import { httpHandler, json } from '#commons/http.ts';
import { invalid, staleVersion } from '#commons/errors.ts';
import { consentChangeInput, marketingSettings } from '#schemas/marketing/consent.ts';
import { assertCan } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { etag, getRecord, parse } from '../records/service.ts';
import { entityOf, staffConsent } from './service.ts';
import { loadMarketingSettings, MarketingSettingsChanged, saveMarketingSettings } from './settings-store.ts';
import type { PersonType } from './store.ts';

/**
 * The consent routes of the marketing unit (issue 10), declared in contracts/marketing/consent.ts:
 * Settings → Marketing (everyone reads; admins change, If-Match) and staff recording a contact's or lead's consent.
 */
const READ_ONLY = ['version'];

const consentPut = (type: PersonType) => httpHandler(async ({ principal, params, body, headers }) => {
  const deps = recordDeps();
  const input = parse(consentChangeInput, body);
  const { settings } = await loadMarketingSettings(principal.tenantId);
  await staffConsent(type, principal, params.id!, input, headers['if-match'], settings, deps);
  const record = await getRecord(entityOf(type), principal, params.id!, deps);
  return json(200, record, { etag: etag(record.version) });
});

export const consentRoutes: RouteTable = {
  'GET /api/settings/marketing': httpHandler(async ({ principal }) => {
    const { settings, version } = await loadMarketingSettings(principal.tenantId);
    return json(200, { ...settings, version }, { etag: etag(version) });
  }),

  'PUT /api/settings/marketing': httpHandler(async ({ principal, body, headers }) => {
    assertCan(principal, 'marketing-settings:manage');
    const raw = body && typeof body === 'object' && !Array.isArray(body)
      ? Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => !READ_ONLY.includes(k))) : body;
    const input = parse(marketingSettings, raw);
    const ids = input.subscriptionTypes.map((t) => t.id);
    const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (dup >= 0) {
      throw invalid([{ path: `subscriptionTypes.${dup}.id`, message: 'Each subscription type needs its own id', code: 'duplicate' }]);
    }
    const current = await loadMarketingSettings(principal.tenantId);
    const ifMatch = headers['if-match'];
    const expected = ifMatch && ifMatch !== '*' ? Number(ifMatch.replace(/^W\//, '').replace(/"/g, '')) : current.version;
    const stale = () => staleVersion('Someone else changed the marketing settings; reload them.', current.version, { ...current.settings, version: current.version });
    if (expected !== current.version) throw stale();
    let version: number;
    try {
      version = await saveMarketingSettings(principal.tenantId, input, current.version, recordDeps().clock().toISOString(), principal.userId);
    } catch (error) {
      if (error instanceof MarketingSettingsChanged) throw stale();
      throw error;
    }
    return json(200, { ...input, version }, { etag: etag(version) });
  }),

  'PUT /api/contacts/{id}/consent': consentPut('contact'),
  'PUT /api/leads/{id}/consent': consentPut('lead'),
};
