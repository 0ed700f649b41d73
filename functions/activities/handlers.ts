import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { notFound } from '#commons/errors.ts';
import { httpHandler, json, type HttpResult } from '#commons/http.ts';
import { keys } from '#commons/keys.ts';
import { myDayQuery } from '#schemas/activity.ts';
import { recordDeps } from '../records/deps.ts';
import { parse } from '../records/service.ts';
import { assembleMyDay, calendarFeed, MY_DAY_MAX_ITEMS, myDayWindow } from './my-day.ts';

/**
 * My day and the calendar feed (SFA-5). Both read the user's agenda (one Query of a time range of
 * `T#<t>#agenda#<user>`, kept in the activities' own transactions). The feed is public at a secret URL: its
 * secret is stored only as a SHA-256 hash (a routing item `R#calendar#<hash>` → tenant and user, and the
 * user's `calendar-feed#<user>` config item naming the current hash), so a new address retires the old one.
 */
const zoneOf = async (tenantId: string, userId: string) => {
  const user = await recordDeps().store.getUser(tenantId, userId);
  return user?.timeZone ?? (user?.language === 'zh-CN' ? 'Asia/Shanghai' : 'UTC');
};
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');
const FEED_PATH = '/api/calendar/';

/** `GET /api/my-day?week=`: overdue and today's tasks, the meetings of the coming week, and a week's days. */
const myDay = httpHandler(async ({ principal, query }) => {
  const q = parse(myDayQuery, query);
  const deps = recordDeps();
  const timeZone = await zoneOf(principal.tenantId, principal.userId);
  const now = deps.clock();
  const w = myDayWindow(now, timeZone, q.week);
  const to = w.weekTo > w.meetingsTo ? w.weekTo : w.meetingsTo;
  const items = await deps.store.agenda!(principal.tenantId, principal.userId, w.from < w.weekFrom ? w.from : w.weekFrom, to, MY_DAY_MAX_ITEMS);
  const feed = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(principal.tenantId), sk: keys.calendarFeedSk(principal.userId) } }));
  return json(200, { timeZone, ...assembleMyDay(items, w, now), feed: { active: Boolean(feed.Item) } });
});

/** `POST /api/my-day/calendar-feed`: a new secret feed address for the caller; the old one stops answering. */
const rotateFeed = httpHandler(async ({ principal }) => {
  const { tenantId, userId } = principal;
  const secret = randomBytes(24).toString('base64url');
  const hash = hashOf(secret);
  const configKey = { pk: keys.config(tenantId), sk: keys.calendarFeedSk(userId) };
  const old = (await documentClient.send(new GetCommand({ TableName: tableName(), Key: configKey }))).Item as { hash?: string } | undefined;
  const at = recordDeps().clock().toISOString();
  await documentClient.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: tableName(), Item: { ...configKey, entityType: 'calendar-feed', hash, createdAt: at } } },
      { Put: { TableName: tableName(), Item: { pk: keys.route('calendar', hash), sk: keys.routeSk, entityType: 'route', tenantId, userId } } },
      ...(old?.hash ? [{ Delete: { TableName: tableName(), Key: { pk: keys.route('calendar', old.hash), sk: keys.routeSk } } }] : []),
    ],
  }));
  // No `.ics` suffix: a path parameter is an id (letters, digits, _ and -); calendar apps go by the content type.
  return json(201, { feedPath: `${FEED_PATH}${secret}` });
});

/** `GET /api/calendar/{feed}` (public): the owner's agenda from 30 days back to 180 ahead as iCalendar. */
const feed = httpHandler(async ({ params, headers }): Promise<HttpResult> => {
  const secret = String(params.feed ?? '');
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(secret)) throw notFound('No such calendar.');
  const hash = hashOf(secret);
  const route = (await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.route('calendar', hash), sk: keys.routeSk } }))).Item as { tenantId?: string; userId?: string } | undefined;
  if (!route?.tenantId || !route.userId) throw notFound('No such calendar.');
  const current = (await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(route.tenantId), sk: keys.calendarFeedSk(route.userId) } }))).Item as { hash?: string } | undefined;
  if (current?.hash !== hash) {
    // A retired address whose routing item outlived its rotation: it goes now.
    await documentClient.send(new DeleteCommand({ TableName: tableName(), Key: { pk: keys.route('calendar', hash), sk: keys.routeSk } }));
    throw notFound('No such calendar.');
  }
  const deps = recordDeps();
  const now = deps.clock();
  const [user, items] = await Promise.all([
    deps.store.getUser(route.tenantId, route.userId),
    deps.store.agenda!(route.tenantId, route.userId, new Date(now.getTime() - 30 * 86400_000).toISOString(), new Date(now.getTime() + 180 * 86400_000).toISOString(), 1000),
  ]);
  const body = calendarFeed(items, {
    calendarName: user?.language === 'zh-CN' ? `Cirrus CRM · ${user.name} 的日程` : `Cirrus CRM · ${user?.name ?? ''}`,
    host: headers.host ?? 'cirrus-crm', now,
  });
  return { statusCode: 200, headers: { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' }, body };
}, { auth: false });

export const activityHandlers = { myDay, rotateFeed, feed };
