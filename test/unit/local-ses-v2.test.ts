import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SesEmulator } from '../../infra/local/ses.ts';

/**
 * The SES v2 emulator against the SES API v2 reference (docs.aws.amazon.com/ses/latest/APIReference-V2/):
 * API_SendEmail, API_EmailContent (exactly one of Simple, Raw, Template), API_RawMessage (header and body
 * separated by a blank line, lines ≤ 1000 characters, base64 Data), API_Template (TemplateName, TemplateArn
 * or TemplateContent, TemplateData), API_Attachment (FileName ≤ 255 and RawContent required,
 * ContentDisposition ATTACHMENT|INLINE, ContentTransferEncoding BASE64|QUOTED_PRINTABLE|SEVEN_BIT,
 * ContentId 1-78), API_CreateEmailTemplate / GetEmailTemplate / DeleteEmailTemplate; the developer guide's
 * quotas (50 recipients per message), "Unsupported attachment types" (mime-types.html) and "Working with
 * email attachments" (40 MB per message). Bodies are what the SDK sends on the wire: blobs as base64.
 */
let dir: string;
let ses: SesEmulator;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cirrus-ses-'));
  ses = new SesEmulator(dir, 'us-east-1');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const send = (body: Record<string, unknown>) => ses.handle('POST', '/v2/email/outbound-emails', body)[1] as { MessageId: string };
const fails = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as { type: string; status: number; message: string };
  }
  throw new Error('expected an error');
};
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const simple = (extra: Record<string, unknown> = {}) => ({
  FromEmailAddress: 'no-reply@cirrus.local', Destination: { ToAddresses: ['a@example.com'] },
  Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'plain' } }, ...extra } },
});
const byId = (id: string) => ses.list({ id }).messages;

const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
const RAW = [
  'From: "Cirrus CRM" <no-reply@cirrus.local>',
  'To: "王伟" <wang.wei@example.cn>, b@example.com',
  'Cc: c@example.com',
  'Subject: =?UTF-8?B?' + b64('报价单 Quote Q-1') + '?=',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="outer"',
  '',
  '--outer',
  'Content-Type: multipart/alternative; boundary=inner',
  '',
  '--inner',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hello =E4=BD=A0=E5=A5=BD, see the attached quote.',
  '--inner',
  'Content-Type: text/html; charset=UTF-8',
  '',
  '<p>Hello 你好</p>',
  '--inner--',
  '--outer',
  'Content-Type: application/pdf; name="quote.pdf"',
  'Content-Disposition: attachment; filename="quote.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  b64(PDF),
  '--outer--',
  '',
].join('\r\n');

describe('SendEmail Content.Raw', () => {
  it('keeps the raw message and lists recipients (from the headers when there is no Destination), subject, bodies and attachments', () => {
    const { MessageId } = send({ Content: { Raw: { Data: b64(RAW) } } });
    const [m] = byId(MessageId);
    expect(m).toMatchObject({
      Id: MessageId, Source: '"Cirrus CRM" <no-reply@cirrus.local>', Subject: '报价单 Quote Q-1',
      Destination: { ToAddresses: ['"王伟" <wang.wei@example.cn>', 'b@example.com'], CcAddresses: ['c@example.com'] },
      Body: { text_part: 'Hello 你好, see the attached quote.', html_part: '<p>Hello 你好</p>' },
      RawData: b64(RAW),
      Attachments: [{ FileName: 'quote.pdf', ContentType: 'application/pdf', ContentDisposition: 'ATTACHMENT', Size: PDF.length }],
    });
    expect(Buffer.from(m!.RawData!, 'base64').toString()).toBe(RAW);
    expect(ses.list({ email: 'wang.wei@example.cn' }).messages.map((x) => x.Id)).toEqual([MessageId]);
  });

  it('sends to Destination when one is given, and takes FromEmailAddress over the From header', () => {
    const { MessageId } = send({ FromEmailAddress: 'sales@cirrus.local', Destination: { BccAddresses: ['only@example.com'] }, Content: { Raw: { Data: b64(RAW) } } });
    expect(byId(MessageId)[0]).toMatchObject({ Source: 'sales@cirrus.local', Destination: { ToAddresses: [], BccAddresses: ['only@example.com'] } });
    expect(ses.list({ email: 'b@example.com' }).messages).toEqual([]);
  });

  it('refuses malformed MIME with MessageRejected and bad Data with BadRequestException', () => {
    const raw = (s: string) => fails(() => send({ Content: { Raw: { Data: b64(s) } } }));
    expect(raw('From: a@example.com\r\nTo: b@example.com\r\nSubject: no body separator')).toMatchObject({ type: 'MessageRejected', status: 400 });
    expect(raw('To: b@example.com\r\nSubject: s\r\n\r\nno From header')).toMatchObject({ type: 'MessageRejected' });
    expect(raw(`From: a@example.com\r\nTo: b@example.com\r\n\r\n${'x'.repeat(1001)}\r\n`)).toMatchObject({ type: 'MessageRejected' });
    expect(raw('From: a@example.com\r\nTo: b@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nunclosed\r\n')).toMatchObject({ type: 'MessageRejected' });
    expect(raw('From: a@example.com\r\nTo: b@example.com\r\nbroken header line\r\n\r\nbody')).toMatchObject({ type: 'MessageRejected' });
    expect(raw(RAW.replace(/quote\.pdf/g, 'setup.exe'))).toMatchObject({ type: 'MessageRejected' });
    expect(fails(() => send({ Content: { Raw: { Data: 'not base64!' } } }))).toMatchObject({ type: 'BadRequestException' });
    expect(raw('From: a@example.com\r\nSubject: nobody\r\n\r\nbody')).toMatchObject({ type: 'BadRequestException' });
  });
});

describe('SendEmail Content.Simple.Attachments', () => {
  it('keeps each attachment with its metadata; ContentType comes from the file name when absent', () => {
    const csv = 'name,email\n王伟,wang.wei@example.cn\n';
    const { MessageId } = send(simple({ Attachments: [
      { FileName: 'quote.pdf', RawContent: b64(PDF), ContentType: 'application/pdf', ContentDisposition: 'ATTACHMENT', ContentTransferEncoding: 'BASE64', ContentDescription: 'Quote Q-1' },
      { FileName: 'export.csv', RawContent: b64(csv) },
      { FileName: 'logo.png', RawContent: b64('png'), ContentDisposition: 'INLINE', ContentId: 'logo' },
    ] }));
    const stored = ses.messages.find((m) => m.Id === MessageId)!;
    expect(stored.Attachments).toEqual([
      { FileName: 'quote.pdf', ContentType: 'application/pdf', ContentDisposition: 'ATTACHMENT', ContentTransferEncoding: 'BASE64', ContentDescription: 'Quote Q-1', Size: PDF.length, RawContent: b64(PDF) },
      { FileName: 'export.csv', ContentType: 'text/csv', ContentDisposition: 'ATTACHMENT', Size: Buffer.byteLength(csv), RawContent: b64(csv) },
      { FileName: 'logo.png', ContentType: 'image/png', ContentDisposition: 'INLINE', ContentId: 'logo', Size: 3, RawContent: b64('png') },
    ]);
    expect(Buffer.from(stored.Attachments![1]!.RawContent, 'base64').toString()).toBe(csv);
    // The listing shows what was attached, not the content.
    expect(byId(MessageId)[0]!.Attachments![0]).toEqual({ FileName: 'quote.pdf', ContentType: 'application/pdf', ContentDisposition: 'ATTACHMENT', ContentTransferEncoding: 'BASE64', ContentDescription: 'Quote Q-1', Size: PDF.length });
  });

  it('refuses attachments SES refuses', () => {
    const att = (a: Record<string, unknown>) => fails(() => send(simple({ Attachments: [{ FileName: 'a.pdf', RawContent: b64('x'), ...a }] })));
    expect(att({ FileName: undefined })).toMatchObject({ type: 'BadRequestException' });
    expect(att({ FileName: `${'a'.repeat(252)}.pdf` })).toMatchObject({ type: 'BadRequestException' });
    expect(att({ RawContent: undefined })).toMatchObject({ type: 'BadRequestException' });
    expect(att({ RawContent: '***' })).toMatchObject({ type: 'BadRequestException' });
    expect(att({ ContentDisposition: 'EMBEDDED' })).toMatchObject({ type: 'BadRequestException' });
    expect(att({ ContentTransferEncoding: 'UUENCODE' })).toMatchObject({ type: 'BadRequestException' });
    expect(att({ ContentId: 'x'.repeat(79) })).toMatchObject({ type: 'BadRequestException' });
    for (const name of ['run.exe', 'script.JS', 'macro.vbs', 'x.bat']) expect(att({ FileName: name }), name).toMatchObject({ type: 'MessageRejected' });
  });
});

describe('SendEmail Content.Template and the template API', () => {
  const content = { Subject: 'Lead {{lead.name}} for {{owner}}', Text: 'Hi {{owner}}, call {{lead.name}} & co.', Html: '<p>Hi {{owner}}, call {{lead.name}}</p>{{{signature}}}' };
  const data = JSON.stringify({ owner: 'Li Na', lead: { name: 'Wang & Sons <CN>' }, signature: '<hr>Cirrus' });
  const templated = (t: Record<string, unknown>) => send({ FromEmailAddress: 'no-reply@cirrus.local', Destination: { ToAddresses: ['rep1@demo.local'] }, Content: { Template: t } });

  it('creates, reads and deletes templates; sends by name or ARN with TemplateData (Handlebars escaping)', () => {
    expect(ses.handle('POST', '/v2/email/templates', { TemplateName: 'lead-assigned', TemplateContent: content })).toEqual([200, {}]);
    expect(ses.handle('GET', '/v2/email/templates/lead-assigned', {})[1]).toEqual({ TemplateName: 'lead-assigned', TemplateContent: content });
    expect(fails(() => ses.handle('POST', '/v2/email/templates', { TemplateName: 'lead-assigned', TemplateContent: content }))).toMatchObject({ type: 'AlreadyExistsException', status: 400 });

    const byName = templated({ TemplateName: 'lead-assigned', TemplateData: data });
    expect(byId(byName.MessageId)[0]).toMatchObject({
      Subject: 'Lead Wang &amp; Sons &lt;CN&gt; for Li Na',
      Body: { text_part: 'Hi Li Na, call Wang &amp; Sons &lt;CN&gt; & co.', html_part: '<p>Hi Li Na, call Wang &amp; Sons &lt;CN&gt;</p><hr>Cirrus' },
    });
    const byArn = templated({ TemplateArn: 'arn:aws:ses:us-east-1:000000000000:template/lead-assigned', TemplateData: data });
    expect(byId(byArn.MessageId)[0]!.Subject).toBe('Lead Wang &amp; Sons &lt;CN&gt; for Li Na');

    expect(ses.handle('DELETE', '/v2/email/templates/lead-assigned', {})).toEqual([200, {}]);
    expect(fails(() => ses.handle('GET', '/v2/email/templates/lead-assigned', {}))).toMatchObject({ type: 'NotFoundException', status: 404 });
    expect(fails(() => ses.handle('DELETE', '/v2/email/templates/lead-assigned', {}))).toMatchObject({ type: 'NotFoundException' });
    expect(fails(() => templated({ TemplateName: 'lead-assigned', TemplateData: data }))).toMatchObject({ type: 'NotFoundException', status: 404 });
    expect(fails(() => templated({ TemplateArn: 'arn:aws:ses:eu-west-1:000000000000:template/lead-assigned' }))).toMatchObject({ type: 'NotFoundException' });
  });

  it('sends inline TemplateContent with attachments', () => {
    const { MessageId } = templated({ TemplateContent: { Subject: 'Quote for {{name}}', Text: 'Attached, {{name}}.' }, TemplateData: '{"name":"Tom"}', Attachments: [{ FileName: 'q.pdf', RawContent: b64(PDF) }] });
    expect(byId(MessageId)[0]).toMatchObject({ Subject: 'Quote for Tom', Body: { text_part: 'Attached, Tom.', html_part: null }, Attachments: [{ FileName: 'q.pdf', ContentType: 'application/pdf' }] });
  });

  it('refuses what SES refuses, and does not deliver a message whose template lacks data (rendering failure)', () => {
    expect(fails(() => templated({}))).toMatchObject({ type: 'BadRequestException' });
    expect(fails(() => templated({ TemplateName: 'x', TemplateContent: { Subject: 's' } }))).toMatchObject({ type: 'BadRequestException' });
    expect(fails(() => templated({ TemplateContent: { Subject: 's' }, TemplateData: '{not json' }))).toMatchObject({ type: 'BadRequestException' });
    expect(fails(() => ses.handle('POST', '/v2/email/templates', { TemplateName: 'bad name!', TemplateContent: content }))).toMatchObject({ type: 'BadRequestException' });
    const { MessageId } = templated({ TemplateContent: { Subject: 'Hi {{name}}' }, TemplateData: '{}' });
    expect(MessageId).toEqual(expect.any(String));
    expect(byId(MessageId)).toEqual([]);
    expect(ses.messages.find((m) => m.Id === MessageId)!.RenderingFailure).toBe("Attribute 'name' is not present in the rendering data.");
  });
});

describe('SendEmail limits and errors', () => {
  it('takes exactly one kind of content', () => {
    expect(fails(() => send({ ...simple(), Content: {} }))).toMatchObject({ type: 'BadRequestException' });
    expect(fails(() => send({ ...simple(), Content: { ...simple().Content, Raw: { Data: b64(RAW) } } }))).toMatchObject({ type: 'BadRequestException' });
    expect(fails(() => send({ FromEmailAddress: 'x', Destination: { ToAddresses: ['a@example.com'] }, Content: simple().Content }))).toMatchObject({ type: 'BadRequestException' });
  });

  it('allows 50 recipients across To, Cc and Bcc, not 51', () => {
    const addrs = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}@example.com`);
    expect(send({ ...simple(), Destination: { ToAddresses: addrs(20, 't'), CcAddresses: addrs(20, 'c'), BccAddresses: addrs(10, 'b') } }).MessageId).toEqual(expect.any(String));
    expect(fails(() => send({ ...simple(), Destination: { ToAddresses: addrs(20, 't'), CcAddresses: addrs(20, 'c'), BccAddresses: addrs(11, 'b') } }))).toMatchObject({ type: 'BadRequestException', message: 'Recipient count exceeds 50.' });
  });

  it('refuses a message over 40 MB', () => {
    const big = Buffer.alloc(31 * 1024 * 1024).toString('base64'); // ≈ 41 MB encoded
    expect(fails(() => send(simple({ Attachments: [{ FileName: 'big.pdf', RawContent: big }] })))).toMatchObject({ type: 'MessageRejected' });
  });
});

describe('GET /_aws/ses filters', () => {
  it('?id= returns that message only; ?email= keeps matching recipients; both together narrow', () => {
    const a = send(simple()).MessageId;
    const b = send({ ...simple(), Destination: { ToAddresses: ['other@example.com'] } }).MessageId;
    expect(ses.list({ id: a }).messages.map((m) => m.Id)).toEqual([a]);
    expect(ses.list({ id: 'nope' }).messages).toEqual([]);
    expect(ses.list({ email: 'other@example.com' }).messages.map((m) => m.Id)).toEqual([b]);
    expect(ses.list({ email: 'other@example.com', id: a }).messages).toEqual([]);
    expect(ses.list().messages.map((m) => m.Id)).toEqual([a, b]);
    expect(ses.list('a@example.com').messages.map((m) => m.Id)).toEqual([a]);
  });
});

describe('sent messages are kept across restarts in an append-only journal', () => {
  it('a send appends one line (no rewrite of what was sent before); clear(id) and clear() survive a restart', async () => {
    const { readFileSync, statSync, writeFileSync } = await import('node:fs');
    const file = join(dir, 'ses-messages.jsonl');
    const a = send(simple()).MessageId;
    const sizeAfterOne = statSync(file).size;
    const b = send(simple()).MessageId;
    const c = send(simple()).MessageId;
    // Three sends, three lines: the file grew by about one message per send, never rewritten whole.
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(statSync(file).size).toBeLessThan(sizeAfterOne * 3.2);
    ses.clear(b);
    const again = new SesEmulator(dir, 'us-east-1');
    expect(again.list({}).messages.map((m) => m.Id)).toEqual([a, c]);
    again.clear();
    expect(new SesEmulator(dir, 'us-east-1').list({}).messages).toEqual([]);
    // A data folder from before the journal: its messages are moved in once.
    writeFileSync(join(dir, 'ses-messages.json'), JSON.stringify([{ ...ses.messages[0], Id: 'legacy-1' }]));
    expect(new SesEmulator(dir, 'us-east-1').list({}).messages.map((m) => m.Id)).toEqual(['legacy-1']);
    expect(new SesEmulator(dir, 'us-east-1').list({}).messages.map((m) => m.Id)).toEqual(['legacy-1']);
  });
});
