import * as z from 'zod/mini';
import { httpHandler, json } from '#commons/http.ts';
import { notFound } from '#commons/errors.ts';
import { assertCan } from '../policy/policy.ts';
import { directoryEntry, updateUserSettings as saveUserSettings } from './directory.ts';
import { language } from '#schemas/common.ts';
import { parse } from '../records/service.ts';

const userUpdate = z.strictObject({
  away: z.optional(z.boolean()),
  language: z.optional(language),
  timeZone: z.optional(z.string().check(z.regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'An IANA time zone, e.g. Asia/Shanghai'), z.maxLength(64))),
  /** What the service desk routes by (a queue may need one): short tags, at most 20; an admin or the agent's manager. */
  skills: z.optional(z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))).check(z.maxLength(20))),
});

/**
 * PATCH /api/users/{id}: away (skipped by assignment), language and time zone: yourself; an admin anyone; a
 * manager marks their team away and sets their skills (deduplicated, case-insensitively, in the order given).
 */
export const updateUserSettings = httpHandler(async ({ principal, params, body }) => {
  const id = params.id === 'me' ? principal.userId : params.id!;
  const input = parse(userUpdate, body);
  if (input.skills) input.skills = input.skills.filter((x, i, all) => all.findIndex((y) => y.toLowerCase() === x.toLowerCase()) === i);
  const fields = Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined);
  // The policy decides per field and per target: self, an admin, or a manager marking their team away.
  const target = id === principal.userId ? { id } : await directoryEntry(principal.tenantId, id);
  if (!target) throw notFound('No such user.');
  for (const field of fields.length ? fields : ['away']) assertCan(principal, 'users:update', { target }, field);
  if (fields.length === 0) return json(200, {});
  const u = await saveUserSettings(principal.tenantId, id, input);
  if (!u) throw notFound('No such user.');
  return json(200, { id: u.id, email: u.email, name: u.name, role: u.role, away: Boolean(u.away), language: u.language, timeZone: u.timeZone, openLeads: Number(u.openLeads ?? 0), skills: u.skills ?? [] });
});
