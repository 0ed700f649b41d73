import type * as z from 'zod/mini';
import { phoneForApi, phoneInvalid } from '@/components/phone';
import { schemaErrors } from '@/components/schemaCheck';
import { accountCreate, accountUpdate } from '#schemas/account.ts';
import { contactCreate, contactUpdate } from '#schemas/contact.ts';
import { leadCreate, leadUpdate } from '#schemas/lead.ts';
import { opportunityCreate, opportunityUpdate } from '#schemas/opportunity.ts';
import { compileFields, isCustomName, type FieldDefinition } from '#schemas/metadata.ts';

/**
 * What the generic pages do differently for a standard object — the web side of the server's code hooks
 * (issue 7: "standard fields keep their behaviour through code hooks on the standard objects"):
 * - `schema`: the server validates a standard object's own fields with its entity schema (schemas/contact.ts …)
 *   and only the `c_` fields with `compileFields`; the form checks the same way, so both agree.
 * - `phoneCountryField`: phones are typed as people say them (`139 1111 2222`) and sent in E.164, read in the
 *   record's country or else the one the user's language implies (components/phone.ts), as the server does.
 * - `tags`: free tags, which have no field type in metadata; the form edits them and the header shows them.
 * - `subtitle`: fields shown under the record's name.
 * Custom objects have none of these: their fields are all metadata.
 */
export interface StandardHooks {
  readonly schema?: { readonly create: z.core.$ZodType; readonly update: z.core.$ZodType };
  readonly phoneCountryField?: string;
  readonly tags?: boolean;
  readonly subtitle?: readonly string[];
  /** Fields the form leaves out because the page changes them its own way (a lead's status: its lifecycle moves). */
  readonly formExclude?: readonly string[];
  /** The page's slots show the owner themselves (a lead's owner may be a queue). */
  readonly ownerInSlot?: boolean;
}

const HOOKS: Readonly<Record<string, StandardHooks>> = {
  accounts: { schema: { create: accountCreate, update: accountUpdate }, phoneCountryField: 'country', tags: true, subtitle: ['industry', 'city'] },
  contacts: { schema: { create: contactCreate, update: contactUpdate }, phoneCountryField: 'country', tags: true, subtitle: ['title', 'accountId'] },
  leads: { schema: { create: leadCreate, update: leadUpdate }, phoneCountryField: 'country', subtitle: ['title', 'company'], formExclude: ['status', 'externalId'], ownerInSlot: true },
  // A deal's pipeline is chosen on the board (its stages are the pipeline's); the form keeps to the fields.
  opportunities: { schema: { create: opportunityCreate, update: opportunityUpdate }, subtitle: ['accountId', 'stage'], formExclude: ['pipelineId'] },
};

export const hooksOf = (object: string): StandardHooks => HOOKS[object] ?? {};

/**
 * A body as the API takes it: phones (standard and custom) in E.164 where the same rules as the server's can
 * make one, read in the record's country if the object has one, else the user's language's.
 */
export function prepareBody(object: string, phoneFields: readonly string[], body: Record<string, unknown>, form: Record<string, unknown>): Record<string, unknown> {
  const h = hooksOf(object);
  const country = h.phoneCountryField ? ((body[h.phoneCountryField] ?? form[h.phoneCountryField]) as string | undefined) : undefined;
  const out = { ...body };
  for (const f of phoneFields) if (typeof out[f] === 'string') out[f] = phoneForApi(out[f] as string, country);
  return out;
}

/** The standard part of a body (checked with the entity schema) and its `c_` part (checked with compileFields). */
export function splitBody(body: Record<string, unknown>): { standard: Record<string, unknown>; custom: Record<string, unknown> } {
  const standard: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) (isCustomName(k) ? custom : standard)[k] = v;
  return { standard, custom };
}

/**
 * The server's own rules for a body, every field's problem at once (the form and the list's inline edit both
 * ask here): a standard object's own fields by its entity schema, as the server checks them; `c_` fields and
 * custom objects by `compileFields` of their metadata. A phone the server could not make E.164 of is named
 * with `invalidPhone` (zod would only say "invalid string").
 */
export function checkBody(
  object: string, fields: readonly FieldDefinition[], body: Record<string, unknown>, mode: 'create' | 'update',
  country: string | undefined, invalidPhone: string,
): Record<string, string> {
  const known: Record<string, string> = {};
  for (const f of fields) {
    if (f.type === 'phone' && typeof body[f.apiName] === 'string' && phoneInvalid(body[f.apiName] as string, country)) known[f.apiName] = invalidPhone;
  }
  const schema = hooksOf(object).schema;
  if (!schema) return schemaErrors(compileFields(fields as FieldDefinition[], mode), body, known);
  const { standard, custom } = splitBody(body);
  return {
    ...schemaErrors(compileFields(fields.filter((f) => f.custom), mode), custom),
    ...schemaErrors(schema[mode], standard, known),
  };
}

/** Chinese names are written family name first: in zh-CN the form asks for the last name before the first. */
export function personNameOrder<F extends { apiName: string }>(fields: F[], locale: string): F[] {
  if (locale !== 'zh-CN') return fields;
  const first = fields.findIndex((f) => f.apiName === 'firstName');
  const last = fields.findIndex((f) => f.apiName === 'lastName');
  if (first < 0 || last < 0 || last < first) return fields;
  const out = [...fields];
  [out[first], out[last]] = [out[last]!, out[first]!];
  return out;
}
