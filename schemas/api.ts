import { followUpSettings } from './follow-up.ts';
import { activity, activityCreate, activityUpdate, myDayQuery } from './activity.ts';
import { attachmentUpload, ticket, ticketCreate, ticketMerge, ticketReply, ticketUpdate } from './ticket.ts';
import { serviceDeskSettings } from './service-desk.ts';
import { article, articleCreate, articleUpdate } from './article.ts';
import * as z from 'zod/mini';
import { account, accountCreate, accountUpdate } from './account.ts';
import { listQuery, pageQuery } from './common.ts';
import { contact, contactCreate, contactUpdate } from './contact.ts';
import { assignmentRuleSet } from './assignment.ts';
import { activityCreate as leadActivityCreate, lead, leadConvert, leadCreate, leadListQuery, leadUpdate, partnerCreate, partnerLead } from './lead.ts';
import { opportunity, opportunityCreate, opportunityUpdate, stageMove } from './opportunity.ts';
import { forecastDealsQuery, forecastQuery, forecastResponse, forecastSettingsPut, pipelineCreate, pipelinePut, quotaPut } from './pipeline.ts';
import { formCreate } from './form.ts';
import { lastViewPut, viewCreate, viewUpdate } from './view.ts';
import { fieldCreate, fieldPurge, fieldUpdate, fieldView, metadataDocument, metadataJob, objectCreate, objectLayout, objectUpdate, objectView } from './metadata.ts';
import { sharingUpdate, sharingView } from './sharing.ts';
import { consentOperations } from './marketing/consent-api.ts';
import { templatesOperations } from './marketing/templates-api.ts';
import { campaignsOperations } from './marketing/campaigns-api.ts';
import { journeysOperations } from './marketing/journeys-api.ts';
import { scoringOperations } from './marketing/scoring-api.ts';

/**
 * What each declared route takes and returns, for the OpenAPI document (PLT-3). Keyed by route name;
 * test/unit/openapi.test.ts fails when a declared route is missing here.
 */
export interface OperationDoc {
  readonly summary: string;
  readonly tag: string;
  readonly query?: z.ZodMiniType;
  readonly request?: z.ZodMiniType;
  readonly response?: z.ZodMiniType;
  readonly status?: number;
  readonly ifMatch?: boolean;
}

export const page = (item: z.ZodMiniType) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
const timelineEntry = z.object({
  id: z.string(), at: z.string(), type: z.string(),
  actor: z.object({ id: z.string(), name: z.string() }),
  changes: z.optional(z.array(z.string())),
  subject: z.optional(z.object({ type: z.string(), id: z.string(), name: z.string() })),
  /** A logged call, email, meeting or note: what was said and how it went. */
  notes: z.optional(z.string()), outcome: z.optional(z.string()),
  /** On an activity copied from where it was logged (a lead's call on the contact it became). */
  from: z.optional(z.object({ type: z.string(), id: z.string(), name: z.string() })),
});
const auditEntry = z.object({
  id: z.string(), at: z.string(), action: z.enum(['create', 'update', 'delete', 'restore']),
  actor: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  before: z.optional(z.record(z.string(), z.unknown())), after: z.optional(z.record(z.string(), z.unknown())),
});
/** A record of a custom object: the built-in fields and its `c_` values (the tenant's document, GET /api/metadata/openapi.json, lists them). */
export const customRecord = z.looseObject({
  id: z.string(), name: z.string(), ownerId: z.string(), version: z.int(), createdAt: z.string(), createdBy: z.string(),
  updatedAt: z.string(), updatedBy: z.string(), deletedAt: z.optional(z.string()), deletedBy: z.optional(z.string()),
});
const customValues = z.looseObject({ ownerId: z.optional(z.string()) });
/** A related list's item: the linking record's summary, `via` the relation fields that point here. */
export const relatedItem = z.looseObject({ id: z.string(), name: z.string(), ownerId: z.optional(z.string()), via: z.optional(z.array(z.string())) });
const user = z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), language: z.optional(z.string()) });

export function recordDocs(plural: string, label: string, schemas: { record: z.ZodMiniType; create: z.ZodMiniType; update: z.ZodMiniType }): Record<string, OperationDoc> {
  return {
    [`${plural}-create`]: { summary: `Create a ${label}`, tag: plural, request: schemas.create, response: schemas.record, status: 201 },
    [`${plural}-list`]: { summary: `List ${label}s (paged; q = prefix search on name, email, phone)`, tag: plural, query: listQuery, response: page(schemas.record) },
    [`${plural}-get`]: { summary: `Get a ${label}`, tag: plural, response: schemas.record },
    [`${plural}-update`]: { summary: `Change a ${label} (send If-Match with the ETag; null clears a field)`, tag: plural, request: schemas.update, response: schemas.record, ifMatch: true },
    [`${plural}-delete`]: { summary: `Soft-delete a ${label}`, tag: plural, status: 204, ifMatch: true },
    [`${plural}-restore`]: { summary: `Restore a deleted ${label}`, tag: plural, response: schemas.record },
    [`${plural}-timeline`]: { summary: `The ${label}'s 360° timeline, newest first`, tag: plural, query: pageQuery, response: page(timelineEntry) },
    [`${plural}-audit`]: { summary: `The ${label}'s audit trail (who, when, before/after)`, tag: plural, query: pageQuery, response: page(auditEntry) },
  };
}

export const operations: Readonly<Record<string, OperationDoc>> = {
  health: { summary: 'Liveness', tag: 'platform', response: z.object({ status: z.literal('ok') }) },
  openapi: { summary: 'This document', tag: 'platform' },
  events: { summary: 'The event catalogue: every domain event on the bus, as AsyncAPI 3.0', tag: 'platform' },
  me: { summary: 'The signed-in user', tag: 'users', response: z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string(), tenantId: z.string(), language: z.string() }) },
  'users-list': { summary: 'Users of the workspace', tag: 'users', response: z.object({ items: z.array(user) }) },
  ...recordDocs('accounts', 'account', { record: account, create: accountCreate, update: accountUpdate }),
  'accounts-contacts': { summary: 'Contacts at an account', tag: 'accounts', query: pageQuery, response: page(z.object({ id: z.string(), name: z.string() })) },
  ...recordDocs('contacts', 'contact', { record: contact, create: contactCreate, update: contactUpdate }),
  ...recordDocs('leads', 'lead', { record: lead, create: leadCreate, update: leadUpdate }),
  search: { summary: 'Search accounts, contacts, leads and opportunities the caller may read: name or word prefix, a word inside Chinese text (示例 → 上海示例科技), email, a phone\'s last 4+ digits; at most 20, best first', tag: 'search', query: z.object({ q: z.string(), limit: z.optional(z.string()) }), response: z.object({ items: z.array(z.object({ object: z.enum(['accounts', 'contacts', 'leads', 'opportunities']), id: z.string(), name: z.string(), subtitle: z.optional(z.string()) })) }) },
  'leads-list': { summary: 'Lead inbox: filter by status, source, ownerId (queue:default = unassigned), managerId (my team)', tag: 'leads', query: leadListQuery, response: page(lead) },
  'leads-claim': { summary: 'Take a lead from the unassigned queue, or from the shared pool (409 past my claim limit)', tag: 'leads', response: lead },
  'leads-activities': { summary: 'Log a call, email, meeting or note (first contact stops the call-back timer)', tag: 'leads', request: leadActivityCreate, response: lead, status: 201 },
  'leads-convert': { summary: 'Convert to account + contact (+ opportunity), reusing existing ones', tag: 'leads', request: leadConvert, ifMatch: true },
  ...recordDocs('opportunities', 'opportunity', { record: opportunity, create: opportunityCreate, update: opportunityUpdate }),
  ...recordDocs('activities', 'activity', { record: activity, create: activityCreate, update: activityUpdate }),
  ...recordDocs('tickets', 'ticket', { record: ticket, create: ticketCreate, update: ticketUpdate }),
  'tickets-reply': { summary: 'Reply to the customer (`public: true`, emailed from the support address) or add an internal note; a first public reply meets the first-response target', tag: 'tickets', request: ticketReply, status: 201 },
  'tickets-messages': { summary: 'The ticket\'s conversation, oldest first: the customer\'s messages, public replies and internal notes', tag: 'tickets' },
  'tickets-attachments-upload': { summary: 'Start uploading a file for a reply or note `{"fileName","contentType","size"}` (1 byte–10 MB; for those who may reply): `{key, uploadUrl, expiresAt}` — PUT the bytes to `uploadUrl` with that Content-Type, then name `key` in the reply\'s `attachments`', tag: 'tickets', request: attachmentUpload, status: 201 },
  'tickets-attachments-download': { summary: 'A 5-minute download link `{url}` of attachment `n` (from 0) of the thread\'s message `?message=<messageId>` (for those who may read the ticket; otherwise 404)', tag: 'tickets', query: z.object({ message: z.string() }) },
  'tickets-merge': { summary: 'Merge this ticket `into` another (`{"into": id}`): its conversation is copied there, it is closed with `mergedInto`; later mail to it threads into the other', tag: 'tickets', request: ticketMerge },
  'surveys-get': { summary: 'A CSAT survey as its page shows it (public, by the token in the emailed link): the ticket\'s number and subject, `state` open, answered or expired; changes nothing', tag: 'surveys' },
  'surveys-answer': { summary: 'Answer a CSAT survey (public): `{"score":1–5,"comment"}`, once (again: 409; expired: 410)', tag: 'surveys', status: 200 },
  'portal-magic-link': { summary: 'Customer portal: email a single-use sign-in link (15 minutes) to `{"email"}` — 202 whatever the address', tag: 'portal', status: 202 },
  'portal-sessions-open': { summary: 'Customer portal: exchange the link\'s `{"token"}` (once) for a portal session (`Authorization: Portal <session>`); used 410, unknown 404', tag: 'portal', status: 201 },
  'portal-sessions-close': { summary: 'Customer portal: sign out (the session ends)', tag: 'portal', status: 204 },
  'portal-me': { summary: 'Customer portal: who is signed in and what the portal allows', tag: 'portal' },
  'portal-tickets-list': { summary: 'Customer portal: my tickets, newest first', tag: 'portal' },
  'portal-tickets-create': { summary: 'Customer portal: open a ticket `{"subject","description"}`', tag: 'portal', status: 201 },
  'portal-tickets-get': { summary: 'Customer portal: one of my tickets with its public conversation (another\'s is 404)', tag: 'portal' },
  'portal-tickets-reply': { summary: 'Customer portal: answer on my ticket `{"body"}` (reopens it when solved)', tag: 'portal', status: 201 },
  'service-dashboard': { summary: 'The service dashboard: the backlog now by status and queue, and for a period (`from`, `to`: dates) tickets created and solved, average first-response and resolution times in business minutes, SLA attainment', tag: 'tickets' },
  'settings-service-desk-get': { summary: 'The service desk\'s settings: calendars, SLA policies, queues, routing rules, macros, support addresses, portal options (ETag: the version)', tag: 'settings' },
  'settings-service-desk-put': { summary: 'Replace the service desk\'s settings (admins; If-Match): every id named must exist; a support address another workspace has is refused', tag: 'settings', request: serviceDeskSettings },
  'tickets-suggested-articles': { summary: 'Published articles about what the ticket asks (the words of its subject, then its description), the customer\'s language first: at most 5', tag: 'knowledge' },
  ...recordDocs('articles', 'article', { record: article, create: articleCreate, update: articleUpdate }),
  'articles-publish': { summary: 'Publish the article\'s working copy as its next revision (agents, managers, admins; If-Match); customers read it on the portal when public', tag: 'knowledge', ifMatch: true, response: article },
  'articles-unpublish': { summary: 'Take the article off the portal: back to draft, or `{"archive":true}` (kept out of suggestions and search)', tag: 'knowledge', ifMatch: true, response: article },
  'articles-revisions': { summary: 'The article\'s published revisions, newest first, with their text (who published each, when)', tag: 'knowledge' },
  'articles-translations': { summary: 'Every language version of the article: the original and its translations', tag: 'knowledge' },
  'knowledge-search': { summary: 'Search the knowledge base by the words of `q` (Chinese by its words; the last word as a prefix): articles ranked by how many words they hold, `language` first; `published=true` only published ones', tag: 'knowledge', query: z.object({ q: z.string(), language: z.optional(z.string()), published: z.optional(z.string()), limit: z.optional(z.string()) }) },
  'portal-articles-search': { summary: 'Customer portal (no sign-in): published public articles by the words of `q` in `language` first, or all of them when there is no `q`', tag: 'portal', query: z.object({ q: z.optional(z.string()), language: z.optional(z.string()) }) },
  'portal-articles-get': { summary: 'Customer portal (no sign-in): a published public article as published (its current revision), with its other language versions', tag: 'portal' },
  'settings-nps-get': { summary: 'The NPS program: whether it runs, the contact segment (a saved view), how often, the question in both languages', tag: 'settings' },
  'settings-nps-put': { summary: 'Change the NPS program (admins; If-Match): its recurring schedule follows', tag: 'settings' },
  'settings-nps-send': { summary: 'Send this round of the NPS survey now to the segment\'s contacts not surveyed recently (admins); nobody is mailed twice in a round', tag: 'settings' },
  'webhooks-chat': { summary: 'A chat integration posts a conversation\'s message, signed like the lead webhook (`Crm-Signature`): the first opens a ticket (channel chat), later ones thread into it; a message id is taken once', tag: 'webhooks' },
  'opportunities-stage-history': { summary: 'Every stage move of an opportunity, newest first: from, to, at, by, time in the previous stage', tag: 'opportunities', response: z.object({ items: z.array(stageMove) }) },
  'pipelines-list': { summary: 'The pipelines and their ordered stages (probability, kind, required fields); the default first', tag: 'pipelines' },
  'pipelines-create': { summary: 'Add a pipeline (admins)', tag: 'pipelines', request: pipelineCreate, status: 201 },
  'pipelines-put': { summary: 'Replace a pipeline\'s name and stages (admins, If-Match); the default pipeline keeps its stage ids', tag: 'pipelines', request: pipelinePut, ifMatch: true },
  'forecast-get': { summary: 'The forecast of a quarter per owner or team and in total: pipeline, best case, commit, closed won, weighted and quota, in the tenant currency (from aggregates)', tag: 'forecast', query: forecastQuery, response: forecastResponse },
  'forecast-deals': { summary: 'The opportunities behind a forecast figure (a quarter, an owner or team, a category)', tag: 'forecast', query: forecastDealsQuery, response: page(opportunity) },
  'settings-forecast-get': { summary: 'The workspace currency, exchange rates and when the weekly forecast email goes', tag: 'forecast' },
  'settings-forecast-put': { summary: 'Change the currency, rates or the weekly forecast email\'s day, time and time zone (admins); the schedule moves with it', tag: 'forecast', request: forecastSettingsPut },
  'forecast-email': { summary: 'Send this week\'s forecast email now to the managers who have not had it today (admins); {"to":"me"} sends it to oneself', tag: 'forecast' },
  'quotas-list': { summary: 'Sales quotas of a quarter the caller may see', tag: 'forecast' },
  'quotas-put': { summary: 'Set a user\'s quota for a quarter, in the tenant currency (managers for their reports, admins)', tag: 'forecast', request: quotaPut },
  'webhooks-leads': {
    summary: 'Partner lead webhook. Sign with Crm-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>; optional Idempotency-Key. 202 {id, status: accepted|duplicate}',
    tag: 'webhooks', request: partnerLead, status: 202, response: z.object({ id: z.string(), status: z.enum(['accepted', 'duplicate']) }),
  },
  'forms-create': { summary: 'Build a web-to-lead form; the answer holds its embeddable snippet', tag: 'forms', request: formCreate, status: 201 },
  'forms-list': { summary: 'Web-to-lead forms with their snippets', tag: 'forms' },
  'forms-submit': { summary: 'Public form submission (url-encoded or JSON); honeypot field `website`; rate-limited', tag: 'forms', status: 202 },
  'partners-create': { summary: 'Create a lead partner; the secret is shown only in this answer', tag: 'partners', request: partnerCreate, status: 201 },
  'partners-list': { summary: 'Lead partners (no secrets)', tag: 'partners' },
  'partners-rotate': { summary: 'Rotate a partner secret; the old one stays valid for 24 h', tag: 'partners' },
  'assignment-rules-get': { summary: 'The ordered assignment rules', tag: 'assignment' },
  'assignment-rules-put': { summary: 'Replace the ordered assignment rules (If-Match)', tag: 'assignment', request: assignmentRuleSet, ifMatch: true },
  'assignment-rules-test': { summary: 'Which rule a sample lead matches and who would get it', tag: 'assignment' },
  'notifications-list': { summary: 'My notifications, newest first, with the unread count', tag: 'notifications' },
  'notifications-read': { summary: 'Mark a notification read', tag: 'notifications', status: 204 },
  'tasks-list': { summary: 'My open tasks by due date', tag: 'tasks' },
  'leads-release': { summary: 'Hand my lead to the shared pool (409 within the cool-down after claiming it from there)', tag: 'leads', response: lead },
  'opportunities-claim': { summary: 'Claim a deal from the shared pool (ownerId "pool"); 409 past my claim limit or when it is no longer there', tag: 'opportunities', response: opportunity },
  'opportunities-release': { summary: 'Hand my deal to the shared pool (409 within the cool-down after claiming it from there)', tag: 'opportunities', response: opportunity },
  'settings-follow-up-get': { summary: 'The follow-up watchdog\'s settings: days without activity before the owner and their manager are alerted, and the shared pool\'s', tag: 'settings', response: followUpSettings },
  'settings-follow-up-put': { summary: 'Change the follow-up settings (admins); they apply from each record\'s next activity', tag: 'settings', request: followUpSettings, response: followUpSettings },
  'my-day': { summary: 'My day: overdue and today\'s tasks, meetings in the coming week, and the days of a week (?week=YYYY-MM-DD picks its Monday), in my time zone', tag: 'activities', query: myDayQuery },
  'calendar-feed-rotate': { summary: 'A new secret address of my calendar feed (iCalendar); the old address stops working', tag: 'activities', status: 201, response: z.object({ feedPath: z.string() }) },
  'calendar-feed': { summary: 'A user\'s tasks and meetings as an iCalendar feed, at the secret address (public: for Outlook and Google Calendar)', tag: 'activities' },
  'users-update': { summary: 'Set away (skipped by assignment), language, time zone', tag: 'users' },
  ...recordDocs('objects', 'record of a custom object ({object} is its c_ API name, e.g. c_projects; the tenant\'s own document at /api/metadata/openapi.json has its fields)', { record: customRecord, create: customValues, update: customValues }),
  'objects-related': { summary: 'Related records: the {related} object\'s records pointing at this one through a relation field (contacts and opportunities at an account, c_projects, ...)', tag: 'objects', query: pageQuery, response: page(relatedItem) },
  'metadata-openapi': { summary: 'This workspace\'s OpenAPI document: the custom fields on the standard objects and the custom objects\' paths, as the caller may see them', tag: 'metadata' },
  'metadata-objects-create': { summary: 'Create a custom object (c_ plural name) with its fields; nameField defaults to the first required text field (admins)', tag: 'metadata', request: objectCreate, response: objectView, status: 201 },
  'metadata-objects-update': { summary: 'Change a custom object: labels, icon, nameField (admins)', tag: 'metadata', request: objectUpdate, response: objectView },
  'metadata-objects-layout': { summary: 'Set the order of an object\'s fields (standard or custom) by API name; fields left out follow in their own order (admins)', tag: 'metadata', request: objectLayout, response: objectView },
  'metadata-objects-delete': { summary: 'Deactivate a custom object: hidden from metadata and the API, records kept (admins)', tag: 'metadata', status: 204 },
  'metadata-objects-restore': { summary: 'Restore a deactivated custom object with its records (admins)', tag: 'metadata', response: objectView },
  'views-list': { summary: 'Saved views of ?object= the caller may see (own, team, everyone\'s) and the one they last used (lastViewId)', tag: 'views' },
  'views-create': { summary: 'Save a view: columns, widths, where {field: {op: value}}, sort, density; private, team or all; segment: a named audience', tag: 'views', request: viewCreate, status: 201 },
  'views-last': { summary: 'Remember the view last used on an object (viewId null forgets it)', tag: 'views', request: lastViewPut },
  'views-get': { summary: 'A saved view the caller may see', tag: 'views' },
  'views-update': { summary: 'Change a saved view (its owner, or an admin)', tag: 'views', request: viewUpdate },
  'views-delete': { summary: 'Delete a saved view (its owner, or an admin)', tag: 'views', status: 204 },
  'views-count': { summary: 'How many records a segment (a saved view) selects: {count, exact}', tag: 'views', response: z.object({ count: z.int(), exact: z.boolean() }) },
  'metadata-get': { summary: 'Every object and field the caller may see, with labels and readable/writable per role (?include=inactive for admins)', tag: 'metadata', response: metadataDocument },
  'metadata-fields-create': { summary: 'Add a custom field (c_ name) to accounts, contacts, leads, opportunities or a custom object (admins)', tag: 'metadata', request: fieldCreate, response: fieldView, status: 201 },
  'metadata-fields-update': { summary: 'Change a custom field: labels, help text, options, required, searchable, default, permissions (admins)', tag: 'metadata', request: fieldUpdate, response: fieldView },
  'metadata-fields-delete': { summary: 'Deactivate a custom field: hidden from metadata and records, values kept (admins)', tag: 'metadata', status: 204 },
  'metadata-sharing-get': { summary: 'Who may read and edit the records of an object, per role: own, team or all (admins)', tag: 'metadata', response: sharingView },
  'metadata-sharing-put': { summary: 'Set record visibility per role, e.g. {"rep":{"read":"own","edit":"own"}}; edit never wider than read (admins)', tag: 'metadata', request: sharingUpdate, response: sharingView },
  'metadata-fields-purge': { summary: 'Purge a deactivated custom field: 202 with the job that takes its values off every record, then deletes the field (its name is free again); 409 unless the field is deactivated. No restore after this (admins)', tag: 'metadata', request: fieldPurge, response: metadataJob, status: 202 },
  'metadata-jobs-get': { summary: 'A metadata job (a field purge): status queued, running, done or failed; records examined and cleared; startedAt, finishedAt (admins)', tag: 'metadata', response: metadataJob },
  'metadata-fields-restore': { summary: 'Restore a deactivated custom field with the values records kept (admins)', tag: 'metadata', response: fieldView },
  // Issue 10 (marketing): each part documents its own routes.
  ...consentOperations,
  ...templatesOperations,
  ...campaignsOperations,
  ...journeysOperations,
  ...scoringOperations,
};
