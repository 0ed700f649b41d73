import type { RouteTable } from '#commons/router.ts';
import { httpHandler, json } from '#commons/http.ts';
import { invalid } from '#commons/errors.ts';
import { newId } from '#commons/ids.ts';
import { testSendInput } from '#schemas/marketing/consent.ts';
import { entityOf } from '../consent/service.ts';
import { loadMarketingSettings } from '../consent/settings-store.ts';
import { assertCan } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { getRecord, parse } from '../records/service.ts';
import { testMessage } from './message.ts';
import { sendMarketingEmail } from './send.ts';

/** The marketing send path's own route (issue 10), declared in contracts/marketing/consent.ts. */
export const marketingMailRoutes: RouteTable = {
  /**
   * A sample marketing email to one contact or lead through the whole send path (the gate, the send record,
   * the headers, the footer, the SES events): marketers check what a person gets, or why they get nothing.
   * Its send has no campaign and no journey, so no campaign's results count it.
   */
  'POST /api/settings/marketing/test-send': httpHandler(async ({ principal, body }) => {
    assertCan(principal, 'campaigns:send');
    const input = parse(testSendInput, body);
    const deps = recordDeps();
    const type = input.object === 'contacts' ? 'contact' : 'lead';
    const record = await getRecord(entityOf(type), principal, input.id, deps);
    const { settings } = await loadMarketingSettings(principal.tenantId);
    if (!settings.subscriptionTypes.some((t) => t.id === input.subscriptionType)) {
      throw invalid([{ path: 'subscriptionType', message: 'No such subscription type (Settings → Marketing)', code: 'unknown_type' }]);
    }
    const language = record.language === 'zh-CN' ? 'zh-CN' : 'en';
    const sendId = `test-${newId(deps.clock())}`;
    const outcome = await sendMarketingEmail(principal.tenantId, sendId, { object: input.object, record }, { ...testMessage(language), subscriptionType: input.subscriptionType }, { kind: 'campaign' });
    return json(200, { sendId, ...outcome });
  }),

};
