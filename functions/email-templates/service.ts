import * as z from 'zod/mini';
import { invalid, notFound, NotFound } from '#commons/errors.ts';
import { toFieldIssues } from '#schemas/validation.ts';
import { email as emailAddress, id as idSchema, language } from '#schemas/common.ts';
import { STANDARD_OBJECT_DEFINITIONS } from '#schemas/standard-objects.ts';
import { templateCreate, templateProblems, templateUpdate, type MergeVocabulary, type TemplateLanguage } from '#schemas/marketing/template.ts';
import { assertCan, type Actor } from '../policy/policy.ts';
import type { StoredRecord } from '../records/entity.ts';
import { createRecord, loadRecord, updateRecord, type RecordDeps } from '../records/service.ts';
import { emailTemplateEntity as def } from './entity.ts';
import { renderTemplate, type RenderContext, type RenderedEmail } from './render.ts';

type Fields = Record<string, unknown>;

/**
 * Email templates' workflow over the record kernel (issue 10, MA-6): saving checks every merge field against
 * the fields contacts and leads have (standard and the tenant's custom ones) and names the bad one by its
 * path (`html.en`); preview renders a saved template for a sample or a real record; a test send mails the
 * rendered template (marked as a test) through the plain mailer, never through the marketing gate.
 */

/** Names a merge field may use besides the objects' fields. */
const EXTRA_RECIPIENT_FIELDS = ['id', 'name', 'fullName', 'email', 'company', 'accountName'];

export async function mergeVocabulary(tenantId: string, deps: Pick<RecordDeps, 'metadata'>): Promise<MergeVocabulary> {
  const standard = STANDARD_OBJECT_DEFINITIONS.filter((o) => o.apiName === 'contacts' || o.apiName === 'leads').flatMap((o) => o.fields.map((f) => f.apiName));
  const custom = deps.metadata
    ? (await Promise.all(['contact', 'lead'].map((t) => deps.metadata!.customFields(tenantId, t)))).flatMap((s) => s.fields.filter((f) => f.active).map((f) => f.apiName))
    : [];
  return { record: new Set([...standard, ...EXTRA_RECIPIENT_FIELDS, ...custom]) };
}

const asObject = (body: unknown): Fields => (body && typeof body === 'object' && !Array.isArray(body) ? (body as Fields) : {});

/** Schema issues and template issues in one 400, so a form can mark every bad field at once. */
function check(schema: z.ZodMiniType, body: unknown, merged: Fields, vocabulary: MergeVocabulary): void {
  const parsed = schema.safeParse(body ?? {});
  const issues = parsed.success ? [] : toFieldIssues(parsed.error.issues);
  const problems = templateProblems(merged, vocabulary).filter((p) => !issues.some((i) => i.path === p.path || p.path.startsWith(`${i.path}.`) || i.path.startsWith(`${p.path}.`)));
  if (issues.length || problems.length) throw invalid([...issues, ...problems]);
}

export async function createTemplate(p: Actor, body: unknown, deps: RecordDeps): Promise<StoredRecord> {
  assertCan(p, 'email-templates:manage');
  check(templateCreate, body, asObject(body), await mergeVocabulary(p.tenantId, deps));
  return createRecord(def, p, body, deps);
}

export async function updateTemplate(p: Actor, id: string, body: unknown, ifMatch: string | undefined, deps: RecordDeps): Promise<StoredRecord> {
  assertCan(p, 'email-templates:manage');
  const current = await loadRecord(def, p, id, deps);
  const patch = asObject(body);
  const merged: Fields = { ...current };
  for (const k of ['subject', 'html', 'blocks'] as const) {
    if (patch[k] === null) delete merged[k];
    else if (patch[k] !== undefined) merged[k] = patch[k];
  }
  // Languages edited as html lose their blocks only when the patch says so (blocks: null or without them).
  check(templateUpdate, body, merged, await mergeVocabulary(p.tenantId, deps));
  return updateRecord(def, p, id, body, ifMatch, deps);
}

/** Stand-in recipients for a preview or a test send without a record: every standard field a template usually names. */
export const SAMPLE_RECIPIENTS: Readonly<Record<TemplateLanguage, Fields>> = {
  en: {
    id: 'sample', name: 'Alex Morgan', firstName: 'Alex', lastName: 'Morgan', email: 'alex.morgan@example.com',
    company: 'Northwind Traders', accountName: 'Northwind Traders', title: 'CTO', industry: 'Software', city: 'Shanghai', country: 'CN', language: 'en',
  },
  'zh-CN': {
    id: 'sample', name: '王晓明', firstName: '晓明', lastName: '王', email: 'wang.xiaoming@example.com',
    company: '云帆科技', accountName: '云帆科技', title: '技术总监', industry: '软件', city: '上海', country: 'CN', language: 'zh-CN',
  },
};

export const previewBody = z.strictObject({
  language,
  recordId: z.optional(idSchema),
  object: z.optional(z.enum(['contacts', 'leads'])),
});
export const testSendBody = z.strictObject({ language, to: z.optional(emailAddress) });

const parse = <T>(schema: z.ZodMiniType<T>, body: unknown): T => {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw invalid(toFieldIssues(r.error.issues));
  return r.data;
};

async function loadReadable(p: Actor, id: string, deps: RecordDeps): Promise<StoredRecord> {
  assertCan(p, 'email-templates:read');
  const t = await loadRecord(def, p, id, deps);
  if (t.deletedAt) throw notFound(`No emailTemplate with id ${id}.`);
  return t;
}

const sampleContext = (p: Actor, lang: TemplateLanguage): RenderContext => ({
  object: 'contacts',
  record: { ...SAMPLE_RECIPIENTS[lang], ownerId: p.userId, version: 1, createdAt: '', createdBy: '', updatedAt: '', updatedBy: '' } as StoredRecord,
  owner: { name: p.name, ...(p.kind === 'system' ? {} : { email: p.email }) },
});

/** The recipient for a preview: the named contact or lead (as the caller may read it), or the sample. */
async function recipient(p: Actor, input: { language: TemplateLanguage; recordId?: string; object?: 'contacts' | 'leads' }, deps: RecordDeps): Promise<RenderContext & { sample: boolean }> {
  if (!input.recordId) return { ...sampleContext(p, input.language), sample: true };
  const objects = input.object ? [input.object] : (['contacts', 'leads'] as const);
  for (const object of objects) {
    const type = object === 'contacts' ? 'contact' : 'lead';
    const record = await loadRecord({ type }, p, input.recordId, deps).catch((e: unknown) => {
      if (e instanceof NotFound) return undefined;
      throw e;
    });
    if (record && !record.deletedAt) {
      const owner = typeof record.ownerId === 'string' ? await deps.store.getUser(p.tenantId, record.ownerId) : undefined;
      return { object, record, ...(owner ? { owner: { name: owner.name, email: owner.email } } : {}), sample: false };
    }
  }
  throw invalid([{ path: 'recordId', message: 'No contact or lead with this id that you may read', code: 'not_found' }]);
}

/** POST /api/email-templates/{id}/preview. */
export async function previewTemplate(p: Actor, id: string, body: unknown, deps: RecordDeps): Promise<RenderedEmail & { sample: boolean; recordId?: string }> {
  const input = parse(previewBody, body);
  const template = await loadReadable(p, id, deps);
  const ctx = await recipient(p, input, deps);
  return { ...renderTemplate(template, input.language, ctx), sample: ctx.sample, ...(ctx.sample ? {} : { recordId: ctx.record.id }) };
}

export const TEST_PREFIX: Readonly<Record<TemplateLanguage, string>> = { en: '[Test] ', 'zh-CN': '[测试] ' };

/**
 * POST /api/email-templates/{id}/test-send: the template rendered for the sample recipient, to the signed-in
 * user (or `to`), subject marked as a test and an `X-Cirrus-Test` header; through the plain mailer.
 */
export async function testSendTemplate(
  p: Actor, id: string, body: unknown, deps: RecordDeps,
  send: (to: string, mail: { subject: string; text: string; html: string }, headers: { Name: string; Value: string }[]) => Promise<string | undefined>,
): Promise<{ to: string; messageId?: string; language: TemplateLanguage; subject: string }> {
  assertCan(p, 'email-templates:manage');
  const input = parse(testSendBody, body);
  const template = await loadReadable(p, id, deps);
  const to = input.to ?? (p.kind === 'system' ? undefined : p.email);
  if (!to) throw invalid([{ path: 'to', message: 'Say where to send the test', code: 'required' }]);
  const rendered = renderTemplate(template, input.language, sampleContext(p, input.language));
  const subject = TEST_PREFIX[rendered.language] + rendered.subject;
  const messageId = await send(to, { subject, text: rendered.text, html: rendered.html }, [
    { Name: 'X-Cirrus-Test', Value: 'true' }, { Name: 'X-Cirrus-Template', Value: template.id },
  ]);
  return { to, ...(messageId ? { messageId } : {}), language: rendered.language, subject };
}
