import { unitHandler, type RouteTable } from '#commons/router.ts';
import { getAssignmentRules } from '../assignment/get-rules.ts';
import { putAssignmentRules } from '../assignment/put-rules.ts';
import { testAssignmentRules } from '../assignment/test-rules.ts';
import { createForm } from '../forms/create.ts';
import { listFormsWithSnippets } from '../forms/list.ts';
import { createPartner } from '../partners/create.ts';
import { getPartners } from '../partners/list.ts';
import { rotatePartnerSecret } from '../partners/rotate.ts';

/** Deploy unit `settings`: what admins configure for lead intake and assignment (SFA-1, SFA-2). */
export const routes: RouteTable = {
  'POST /api/forms': createForm,
  'GET /api/forms': listFormsWithSnippets,
  'POST /api/partners': createPartner,
  'GET /api/partners': getPartners,
  'POST /api/partners/{id}/rotate-secret': rotatePartnerSecret,
  'GET /api/assignment-rules': getAssignmentRules,
  'PUT /api/assignment-rules': putAssignmentRules,
  'POST /api/assignment-rules/test': testAssignmentRules,
};

export const handler = unitHandler(routes);
