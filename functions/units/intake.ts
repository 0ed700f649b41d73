import { unitHandler, type RouteTable } from '#commons/router.ts';
import { submitForm } from '../forms/submit.ts';
import { handler as receivePartnerLead } from '../webhooks/partner-lead.ts';
import { handler as receiveChatMessage } from '../webhooks/chat-ticket.ts';

/** Deploy unit `intake`: public lead intake (SFA-1) and chat messages (SVC-1), scaled apart from staff traffic. */
export const routes: RouteTable = {
  'POST /api/webhooks/leads/{partnerId}': receivePartnerLead,
  'POST /api/forms/{formId}/submissions': submitForm,
  /** A chat conversation's messages as tickets (SVC-1), signed like the lead webhook. */
  'POST /api/webhooks/chat/{partnerId}': receiveChatMessage,
};

export const handler = unitHandler(routes);
