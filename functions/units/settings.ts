import { followUpHandlers } from '../follow-up/handlers.ts';
import { unitHandler, type RouteTable } from '#commons/router.ts';
import { getAssignmentRules } from '../assignment/get-rules.ts';
import { putAssignmentRules } from '../assignment/put-rules.ts';
import { testAssignmentRules } from '../assignment/test-rules.ts';
import { createForm } from '../forms/create.ts';
import { listFormsWithSnippets } from '../forms/list.ts';
import { createPartner } from '../partners/create.ts';
import { getPartners } from '../partners/list.ts';
import { rotatePartnerSecret } from '../partners/rotate.ts';
import { metadata } from '../customization/handlers.ts';
import { sharing } from '../sharing/handlers.ts';

/** Deploy unit `settings`: what admins configure for lead intake and assignment (SFA-1, SFA-2), and the metadata (objects and fields). */
export const routes: RouteTable = {
  'POST /api/forms': createForm,
  'GET /api/forms': listFormsWithSnippets,
  'POST /api/partners': createPartner,
  'GET /api/partners': getPartners,
  'POST /api/partners/{id}/rotate-secret': rotatePartnerSecret,
  'GET /api/assignment-rules': getAssignmentRules,
  'PUT /api/assignment-rules': putAssignmentRules,
  /** The follow-up watchdog's settings (SFA-6). */
  'GET /api/settings/follow-up': followUpHandlers.get,
  'PUT /api/settings/follow-up': followUpHandlers.put,
  'POST /api/assignment-rules/test': testAssignmentRules,
  /** Objects and fields as data: every signed-in user reads, admins change custom fields. */
  'GET /api/metadata': metadata.describe,
  /** The tenant's own OpenAPI document: its custom fields and custom objects (authenticated). */
  'GET /api/metadata/openapi.json': metadata.openApi,
  'POST /api/metadata/objects': metadata.createObject,
  'PATCH /api/metadata/objects/{object}': metadata.updateObject,
  'DELETE /api/metadata/objects/{object}': metadata.deactivateObject,
  'POST /api/metadata/objects/{object}/restore': metadata.restoreObject,
  'PUT /api/metadata/objects/{object}/layout': metadata.setLayout,
  'POST /api/metadata/objects/{object}/fields': metadata.addField,
  'PATCH /api/metadata/objects/{object}/fields/{field}': metadata.updateField,
  'DELETE /api/metadata/objects/{object}/fields/{field}': metadata.deactivateField,
  'POST /api/metadata/objects/{object}/fields/{field}/restore': metadata.restoreField,
  /** Purge a deactivated field (a job takes its values off the records), and the job's progress. */
  'POST /api/metadata/objects/{object}/fields/{field}/purge': metadata.purgeField,
  'GET /api/metadata/jobs/{id}': metadata.job,
  /** Record visibility per object and role (CD-7; admins). */
  'GET /api/metadata/objects/{object}/sharing': sharing.get,
  'PUT /api/metadata/objects/{object}/sharing': sharing.put,
};

export const handler = unitHandler(routes);
