import { httpHandler, json, noContent } from '#commons/http.ts';
import { assertCan } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { record } from '../records/handlers.ts';
import { deleteRecord, etag, listRecords, restoreRecord, updateRecord } from '../records/service.ts';
import { viewDeps } from '../views/deps.ts';
import { campaignEntity as def } from './entity.ts';
import { addCampaignMembers, campaignMembers, cancelSend, checkUpdate, createCampaign, getCampaign, sendCampaign, withFigures } from './service.ts';

/**
 * HTTP for campaigns (MA-2, unit `marketing`): records with their figures, the send, members. Everyone reads;
 * marketers and admins create, change and send (functions/policy/policy.ts: campaigns:manage, campaigns:send).
 */
export const campaignHandlers = {
  create: httpHandler(async ({ principal, body }) => {
    const c = await createCampaign(principal, body, recordDeps(), viewDeps());
    return json(201, await withFigures(principal.tenantId, c), { etag: etag(c.version), location: `/api/campaigns/${c.id}` });
  }),
  list: httpHandler(async ({ principal, query }) => {
    assertCan(principal, 'campaigns:read');
    const page = await listRecords(def, principal, query, recordDeps());
    // A page's figures: two GetItems per campaign on the page (the aggregate and the checkpoint), at most 100.
    const items = await Promise.all(page.items.map((c) => withFigures(principal.tenantId, c)));
    return json(200, { ...page, items });
  }),
  get: httpHandler(async ({ principal, params }) => {
    const c = await getCampaign(principal, params.id!, recordDeps());
    return json(200, c, { etag: etag(c.version) });
  }),
  update: httpHandler(async ({ principal, params, body, headers }) => {
    await checkUpdate(principal, body, viewDeps());
    const c = await updateRecord(def, principal, params.id!, body, headers['if-match'], recordDeps());
    return json(200, await withFigures(principal.tenantId, c), { etag: etag(c.version) });
  }),
  remove: httpHandler(async ({ principal, params, headers }) => {
    assertCan(principal, 'campaigns:manage');
    await deleteRecord(def, principal, params.id!, headers['if-match'], recordDeps());
    return noContent();
  }),
  restore: httpHandler(async ({ principal, params }) => {
    assertCan(principal, 'campaigns:manage');
    const c = await restoreRecord(def, principal, params.id!, recordDeps());
    return json(200, c, { etag: etag(c.version) });
  }),
  timeline: record.timeline(def),
  audit: record.audit(def),
  send: httpHandler(async ({ principal, params, body, headers }) => {
    const c = await sendCampaign(principal, params.id!, body, headers['if-match'], recordDeps(), viewDeps());
    return json(202, await withFigures(principal.tenantId, c), { etag: etag(c.version) });
  }),
  cancelSend: httpHandler(async ({ principal, params, headers }) => {
    const c = await cancelSend(principal, params.id!, headers['if-match'], recordDeps());
    return json(200, await withFigures(principal.tenantId, c), { etag: etag(c.version) });
  }),
  members: httpHandler(async ({ principal, params, query }) => json(200, await campaignMembers(principal, params.id!, query, recordDeps()))),
  addMembers: httpHandler(async ({ principal, params, body }) => json(200, await addCampaignMembers(principal, params.id!, body, recordDeps()))),
};
