import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { notFound } from '#commons/errors.ts';
import { httpHandler, json } from '#commons/http.ts';
import { keys } from '#commons/keys.ts';
import { LINK_TOKEN, linkTokenHash } from '#commons/link-tokens.ts';
import { answerNps, isNpsRoute, npsSurveyView, type NpsRoute } from '../nps/answer.ts';
import { recordDeps } from '../records/deps.ts';
import { answerCsat, csatSurveyView, type SurveyRoute } from '../tickets/csat.ts';

/**
 * The public survey links (SVC-5, unit `portal`): one route item per link (`R#survey#<sha256 of the token>`),
 * a ticket's CSAT question (functions/tickets/csat.ts) or an NPS round's (functions/nps/answer.ts, `kind: 'nps'`).
 * Opening a link (GET, as link scanners do) changes nothing; the POST takes one answer.
 */
async function surveyOf(token: string): Promise<SurveyRoute | NpsRoute> {
  if (!LINK_TOKEN.test(token)) throw notFound('No such survey.');
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.route('survey', linkTokenHash(token)), sk: keys.routeSk } }));
  if (!Item) throw notFound('No such survey.');
  return Item as unknown as SurveyRoute | NpsRoute;
}

/** GET /api/surveys/{token} (public): what the page shows. */
export const getSurvey = httpHandler(async ({ params }) => {
  const s = await surveyOf(params.token!);
  const now = recordDeps().clock().getTime();
  return json(200, isNpsRoute(s) ? npsSurveyView(s, now) : csatSurveyView(s, now));
}, { auth: false });

/** POST /api/surveys/{token} (public): CSAT `{"score":1–5,"comment"}` or NPS `{"score":0–10,"comment"}`; once (again → 409), expired → 410. */
export const answerSurvey = httpHandler(async ({ params, body }) => {
  const s = await surveyOf(params.token!);
  const routeHash = linkTokenHash(params.token!);
  return isNpsRoute(s) ? answerNps(routeHash, s, body) : answerCsat(routeHash, s, body);
}, { auth: false });
