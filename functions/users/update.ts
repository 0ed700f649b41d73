import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod/mini';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { httpHandler, json } from '#commons/http.ts';
import { keys } from '#commons/keys.ts';
import { notFound } from '#commons/problem.ts';
import { assertCan } from '../policy/policy.ts';
import { directoryEntry } from './directory.ts';
import { language } from '#schemas/common.ts';
import { parse } from '../records/service.ts';

const userUpdate = z.strictObject({
  away: z.optional(z.boolean()),
  language: z.optional(language),
  timeZone: z.optional(z.string().check(z.regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'An IANA time zone, e.g. Asia/Shanghai'), z.maxLength(64))),
});

/** PATCH /api/users/{id}: away (skipped by assignment), language and time zone: yourself; an admin anyone; a manager marks their team away. */
export const updateUserSettings = httpHandler(async ({ principal, params, body }) => {
  const id = params.id === 'me' ? principal.userId : params.id!;
  const input = parse(userUpdate, body);
  const sets = Object.entries(input).filter(([, v]) => v !== undefined);
  // The policy decides per field and per target: self, an admin, or a manager marking their team away.
  const target = id === principal.userId ? { id } : await directoryEntry(principal.tenantId, id);
  if (!target) throw notFound('No such user.');
  for (const [field] of sets.length ? sets : [['away']]) assertCan(principal, 'users:update', { target }, field);
  if (sets.length === 0) return json(200, {});
  try {
    const res = await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: keys.users(principal.tenantId), sk: id },
      UpdateExpression: `SET ${sets.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(sets.map(([k], i) => [`#k${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(sets.map(([, v], i) => [`:v${i}`, v])),
      ReturnValues: 'ALL_NEW',
    }));
    const a = res.Attributes!;
    return json(200, { id: a.sk, email: a.email, name: a.name, role: a.role, away: Boolean(a.away), language: a.language, timeZone: a.timeZone, openLeads: Number(a.openLeads ?? 0) });
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw notFound('No such user.');
    throw error;
  }
});
