import { unitHandler, type RouteTable } from '#commons/router.ts';
import { submitForm } from '../forms/submit.ts';
import { handler as receivePartnerLead } from '../webhooks/partner-lead.ts';

/** Deploy unit `intake`: public lead intake, scaled apart from staff traffic (SFA-1). */
export const routes: RouteTable = {
  'POST /api/webhooks/leads/{partnerId}': receivePartnerLead,
  'POST /api/forms/{formId}/submissions': submitForm,
};

export const handler = unitHandler(routes);
