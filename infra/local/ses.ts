import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID } from './config.ts';
import { AwsError } from './protocol.ts';
import { DeliveryJournal } from './delivery-journal.ts';
import { readJson, writeJson } from './store.ts';

/**
 * SES v2 emulator (restJson1). `SendEmail` (`POST /v2/email/outbound-emails`) with each of the three
 * `EmailContent` kinds of the API reference: `Simple` (Subject, Text/Html body, `Attachments`), `Raw`
 * (a whole MIME message, base64 in JSON) and `Template` (a stored template by name or ARN, or inline
 * `TemplateContent`, with `TemplateData`), plus `CreateEmailTemplate`, `GetEmailTemplate`,
 * `UpdateEmailTemplate`, `DeleteEmailTemplate` and `ListEmailTemplates`. It refuses what SES refuses
 * with SES's error types (`BadRequestException`, `MessageRejected`, `NotFoundException`,
 * `AlreadyExistsException`). Nothing is delivered: messages are kept in DATA_DIR and listed at
 * `GET /_aws/ses` in LocalStack's shape.
 */
export interface StoredAttachment {
  FileName: string;
  ContentType: string;
  ContentDisposition: 'ATTACHMENT' | 'INLINE';
  ContentTransferEncoding?: string;
  ContentId?: string;
  ContentDescription?: string;
  Size: number;
  /** base64 */
  RawContent: string;
}

export interface SentMessage {
  Id: string;
  Region: string;
  Source: string;
  Destination: { ToAddresses: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Subject: string;
  Body: { text_part: string | null; html_part: string | null };
  Timestamp: string;
  ConfigurationSetName?: string;
  ReplyToAddresses?: string[];
  /** Content.Raw: the message exactly as sent (base64), as LocalStack lists it. */
  RawData?: string;
  Attachments?: StoredAttachment[];
  /** Content.Template: which template and data rendered Subject and Body. */
  Template?: { TemplateName?: string; TemplateArn?: string; TemplateData?: string; Inline?: boolean };
  /** Set when SES would accept the call but not deliver (a template variable without data). */
  RenderingFailure?: string;
  /** Content.Simple.Headers / Template.Headers: extra message headers (API_MessageHeader). */
  Headers?: { Name: string; Value: string }[];
  /** EmailTags (API_MessageTag), as SES events carry them: name → values. */
  Tags?: Record<string, string[]>;
  /** The original URLs of the links rewritten for click tracking (a click URL may only lead to one of them). */
  TrackedLinks?: string[];
}

/**
 * Configuration-set event publishing (ses/latest/dg/monitor-using-event-publishing.html) with an EventBridge
 * destination: for a send through `configurationSet`, SES puts `aws.ses` events on the account's DEFAULT bus
 * ("Email Sent", then per recipient "Email Delivered", or "Email Bounced" / "Email Complaint Received" for the
 * mailbox simulator's addresses), and, with open and click tracking, rewrites the HTML's links and adds an open
 * pixel whose requests emit "Email Opened" / "Email Clicked".
 */
export interface SesEventPublishing {
  readonly configurationSet: string;
  readonly trackOpensAndClicks: boolean;
  /** Where the tracking URLs point (this runtime's public URL). */
  readonly publicUrl: string;
  readonly emit: (event: { source: 'aws.ses'; detailType: string; detail: Record<string, unknown>; resources: string[] }) => void;
}

/** SES event types and their EventBridge detail-types (eventbridge/latest/ref/events-ref-ses.html). */
export const SES_DETAIL_TYPES = {
  Send: 'Email Sent', Delivery: 'Email Delivered', Bounce: 'Email Bounced', Complaint: 'Email Complaint Received', Open: 'Email Opened', Click: 'Email Clicked',
} as const;
export type SesEventType = keyof typeof SES_DETAIL_TYPES;

/**
 * What the mailbox simulator (ses/latest/dg/send-an-email-from-console.html#send-email-simulator) does with an
 * address: `bounce@` a hard bounce (Permanent, General), `suppressionlist@` a hard bounce as if on the suppression
 * list, `complaint@` a delivery then a complaint, `success@`/`ooto@` and every other address a delivery. A `+label`
 * after the local part is allowed (bounce+campaign1@simulator.amazonses.com).
 */
export function simulatorOutcome(address: string): 'delivery' | 'bounce' | 'suppressed' | 'complaint' {
  const m = /^([^@+]+)(?:\+[^@]*)?@simulator\.amazonses\.com$/i.exec(addressOf(address));
  const box = m?.[1]?.toLowerCase();
  if (box === 'bounce') return 'bounce';
  if (box === 'suppressionlist') return 'suppressed';
  if (box === 'complaint') return 'complaint';
  return 'delivery';
}

interface TemplateContent { Subject?: string; Text?: string; Html?: string }
interface StoredTemplate { TemplateName: string; TemplateContent: TemplateContent; CreatedTimestamp: string }

/** SES quotas (ses/latest/dg/quotas.html and the attachments guide): 50 recipients, 40 MB per message. */
export const MAX_RECIPIENTS = 50;
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
/** "Unsupported attachment types" (ses/latest/dg/mime-types.html): SES refuses these extensions. */
const BLOCKED_EXTENSIONS = new Set(`ade adp app asp bas bat cer chm cmd com cpl crt csh der exe fxp gadget hlp hta inf ins isp its js jse ksh
  lib lnk mad maf mag mam maq mar mas mat mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 msh2 mshxml msh1xml msh2xml msi msp mst
  ops pcd pif plg prf prg reg scf scr sct shb shs sys ps1 ps1xml ps2 ps2xml psc1 psc2 tmp url vb vbe vbs vps vsmacros vss vst vsw
  vxd ws wsc wsf wsh xnk`.split(/\s+/));
const TYPES: Record<string, string> = {
  pdf: 'application/pdf', csv: 'text/csv', txt: 'text/plain', html: 'text/html', htm: 'text/html', json: 'application/json',
  xml: 'application/xml', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  svg: 'image/svg+xml', ics: 'text/calendar', zip: 'application/zip', gz: 'application/gzip',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
const addressOf = (a: string) => /<([^>]+)>\s*$/.exec(a)?.[1]?.trim() ?? a.trim();
const TEMPLATE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const bad = (message: string) => new AwsError('BadRequestException', message);
const rejected = (message: string) => new AwsError('MessageRejected', message);
const notFound = (message: string) => new AwsError('NotFoundException', message, 404);

export class SesEmulator {
  /**
   * Sent messages, one appended JSON line per send (compacted as it grows): a send costs one small write,
   * not a rewrite of every message sent so far (which made a busy intake quadratic).
   */
  private readonly journal: DeliveryJournal<SentMessage>;
  private readonly templatesFile: string;
  readonly messages: SentMessage[];
  private readonly templates: Record<string, StoredTemplate>;

  constructor(dataDir: string, private readonly region: string) {
    this.journal = new DeliveryJournal<SentMessage>(join(dataDir, 'ses-messages.jsonl'));
    // A data folder from before the journal: its messages move into it once.
    const legacy = join(dataDir, 'ses-messages.json');
    if (existsSync(legacy)) {
      for (const m of readJson<SentMessage[]>(legacy, [])) if (!this.journal.pending().some(([id]) => id === m.Id)) this.journal.add(m.Id, m);
      rmSync(legacy, { force: true });
    }
    this.templatesFile = join(dataDir, 'ses-templates.json');
    this.messages = this.journal.pending().map(([, m]) => m);
    this.templates = readJson<Record<string, StoredTemplate>>(this.templatesFile, {});
  }

  handle(method: string, path: string, body: Record<string, any>): [number, unknown] {
    if (method === 'POST' && path === '/v2/email/outbound-emails') return [200, this.send(body)];
    if (method === 'GET' && path === '/v2/email/account') {
      return [200, { DedicatedIpAutoWarmupEnabled: false, EnforcementStatus: 'HEALTHY', ProductionAccessEnabled: true, SendQuota: { Max24HourSend: 1e6, MaxSendRate: 1e3, SentLast24Hours: this.messages.length }, SendingEnabled: true }];
    }
    if (path === '/v2/email/templates') {
      if (method === 'POST') return [200, this.createTemplate(body)];
      if (method === 'GET') {
        return [200, { TemplatesMetadata: Object.values(this.templates).map((t) => ({ TemplateName: t.TemplateName, CreatedTimestamp: Date.parse(t.CreatedTimestamp) / 1000 })) }];
      }
    }
    const t = /^\/v2\/email\/templates\/([^/]+)$/.exec(path);
    if (t) {
      let name: string;
      try {
        name = decodeURIComponent(t[1]!);
      } catch {
        throw bad('Invalid template name');
      }
      if (method === 'GET') {
        const found = this.templateOrThrow(name);
        return [200, { TemplateName: found.TemplateName, TemplateContent: found.TemplateContent }];
      }
      if (method === 'PUT') {
        const found = this.templateOrThrow(name);
        found.TemplateContent = templateContent(body.TemplateContent);
        this.saveTemplates();
        return [200, {}];
      }
      if (method === 'DELETE') {
        this.templateOrThrow(name);
        delete this.templates[name];
        this.saveTemplates();
        return [200, {}];
      }
    }
    throw new AwsError('NotFoundException', `The local SES emulator does not implement ${method} ${path}`, 404);
  }

  private createTemplate(body: Record<string, any>) {
    const name = body.TemplateName;
    if (typeof name !== 'string' || !TEMPLATE_NAME.test(name)) throw bad('TemplateName is required: 1-64 letters, digits, underscores or dashes');
    if (this.templates[name]) throw new AwsError('AlreadyExistsException', `Template ${name} already exists.`);
    this.templates[name] = { TemplateName: name, TemplateContent: templateContent(body.TemplateContent), CreatedTimestamp: new Date().toISOString() };
    this.saveTemplates();
    return {};
  }

  private templateOrThrow(name: string): StoredTemplate {
    const found = Object.hasOwn(this.templates, name) ? this.templates[name] : undefined;
    if (!found) throw notFound(`Template ${name} does not exist.`);
    return found;
  }

  private saveTemplates() {
    writeJson(this.templatesFile, this.templates);
  }

  private send(body: Record<string, any>) {
    const content = body.Content;
    if (!content || typeof content !== 'object') throw bad('Missing required field Content');
    const kinds = (['Simple', 'Raw', 'Template'] as const).filter((k) => content[k] !== undefined && content[k] !== null);
    if (kinds.length !== 1) throw bad('Content must contain exactly one of Simple, Raw or Template');
    const dest = body.Destination ?? {};
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    let to = list(dest.ToAddresses);
    let cc = list(dest.CcAddresses);
    let bcc = list(dest.BccAddresses);
    let from = body.FromEmailAddress;
    let subject: string;
    let text: string | null = null;
    let html: string | null = null;
    let attachments: StoredAttachment[] | undefined;
    let rawData: string | undefined;
    let template: SentMessage['Template'];
    let renderingFailure: string | undefined;
    let size = 0;

    if (kinds[0] === 'Raw') {
      rawData = base64Field(content.Raw.Data, 'Content.Raw.Data');
      const raw = Buffer.from(rawData, 'base64');
      if (raw.length === 0) throw bad('Missing required field Content.Raw.Data');
      size = raw.length;
      const mail = parseMime(raw);
      const header = (n: string) => mail.headers.find(([k]) => k === n)?.[1];
      if (from === undefined) {
        from = header('from') === undefined ? undefined : decodeWords(header('from')!);
        if (from === undefined) throw rejected("Missing required header 'From'.");
      }
      if (body.Destination === undefined) {
        // Without a Destination SES sends to the addresses in the message's To, Cc and Bcc headers.
        to = addressList(header('to'));
        cc = addressList(header('cc'));
        bcc = addressList(header('bcc'));
      }
      subject = decodeWords(header('subject') ?? '');
      text = mail.text;
      html = mail.html;
      if (mail.attachments.length) attachments = mail.attachments;
    } else if (kinds[0] === 'Simple') {
      const simple = content.Simple;
      if (typeof simple.Subject?.Data !== 'string') throw bad('Missing required field Subject');
      text = simple.Body?.Text?.Data ?? null;
      html = simple.Body?.Html?.Data ?? null;
      if (text === null && html === null) throw bad('Missing required field Body');
      subject = simple.Subject.Data;
      attachments = this.attachments(simple.Attachments);
    } else {
      const t = content.Template;
      const byName = t.TemplateName !== undefined;
      const byArn = t.TemplateArn !== undefined;
      const inline = t.TemplateContent !== undefined;
      if (Number(byName) + Number(byArn) + Number(inline) === 0) throw bad('Template requires TemplateName, TemplateArn or TemplateContent');
      if (inline && (byName || byArn)) throw bad('Specify either the TemplateContent or a TemplateName/TemplateArn, not both');
      let tc: TemplateContent;
      if (inline) tc = templateContent(t.TemplateContent);
      else {
        const name = byName ? String(t.TemplateName) : templateNameFromArn(String(t.TemplateArn), this.region);
        if (byName && byArn && templateNameFromArn(String(t.TemplateArn), this.region) !== name) throw bad('TemplateName and TemplateArn name different templates');
        tc = this.templateOrThrow(name).TemplateContent;
      }
      let data: Record<string, unknown> = {};
      if (t.TemplateData !== undefined) {
        try {
          data = JSON.parse(String(t.TemplateData));
        } catch {
          throw bad('TemplateData is not valid JSON');
        }
        if (data === null || typeof data !== 'object' || Array.isArray(data)) throw bad('TemplateData must be a JSON object');
      }
      const missing = new Set<string>();
      subject = render(tc.Subject ?? '', data, missing);
      text = tc.Text === undefined ? null : render(tc.Text, data, missing);
      html = tc.Html === undefined ? null : render(tc.Html, data, missing);
      if (!subject && text === null && html === null) throw rejected('The template has no content');
      // SES accepts the call and then does not deliver: a Rendering Failure event instead of the mail.
      if (missing.size) renderingFailure = `Attribute '${[...missing][0]}' is not present in the rendering data.`;
      template = { ...(byName ? { TemplateName: String(t.TemplateName) } : {}), ...(byArn ? { TemplateArn: String(t.TemplateArn) } : {}), ...(inline ? { Inline: true } : {}), ...(t.TemplateData !== undefined ? { TemplateData: String(t.TemplateData) } : {}) };
      attachments = this.attachments(t.Attachments);
    }

    if (typeof from !== 'string' || !EMAIL.test(addressOf(from))) throw bad('Missing or invalid FromEmailAddress');
    const recipients = [...to, ...cc, ...bcc];
    if (recipients.length === 0) throw bad('Missing required field Destination');
    if (recipients.length > MAX_RECIPIENTS) throw bad(`Recipient count exceeds ${MAX_RECIPIENTS}.`);
    for (const a of recipients) if (!EMAIL.test(addressOf(a))) throw bad(`Invalid email address ${a}`);
    if (!rawData) size = Buffer.byteLength(subject) + Buffer.byteLength(text ?? '') + Buffer.byteLength(html ?? '') + (attachments ?? []).reduce((n, a) => n + a.RawContent.length, 0);
    if (size > MAX_MESSAGE_BYTES) throw rejected(`Message length is more than ${MAX_MESSAGE_BYTES} bytes long: '${size}'.`);

    const headers = messageHeaders(content.Simple?.Headers ?? content.Template?.Headers);
    const tags = emailTags(body.EmailTags);
    const message: SentMessage = {
      Id: `${randomUUID().replace(/-/g, '')}-local`,
      Region: this.region,
      Source: from,
      Destination: { ToAddresses: to, ...(cc.length ? { CcAddresses: cc } : {}), ...(bcc.length ? { BccAddresses: bcc } : {}) },
      Subject: subject,
      Body: { text_part: text, html_part: html },
      Timestamp: new Date().toISOString(),
      ...(body.ConfigurationSetName ? { ConfigurationSetName: String(body.ConfigurationSetName) } : {}),
      ...(Array.isArray(body.ReplyToAddresses) ? { ReplyToAddresses: body.ReplyToAddresses.map(String) } : {}),
      ...(rawData ? { RawData: rawData } : {}),
      ...(attachments?.length ? { Attachments: attachments } : {}),
      ...(template ? { Template: template } : {}),
      ...(renderingFailure ? { RenderingFailure: renderingFailure } : {}),
      ...(headers.length ? { Headers: headers } : {}),
      ...(Object.keys(tags).length ? { Tags: tags } : {}),
    };
    if (renderingFailure) console.warn(`[local] SES: message ${message.Id} not delivered (Rendering Failure): ${renderingFailure}`);
    const publishing = this.publishing && message.ConfigurationSetName === this.publishing.configurationSet && !renderingFailure ? this.publishing : undefined;
    if (publishing?.trackOpensAndClicks && message.Body.html_part) {
      const tracked = trackHtml(message.Body.html_part, `${publishing.publicUrl.replace(/\/$/, '')}/_aws/ses`, message.Id);
      message.Body = { ...message.Body, html_part: tracked.html };
      if (tracked.links.length) message.TrackedLinks = tracked.links;
    }
    this.messages.push(message);
    this.journal.add(message.Id, message);
    if (publishing) {
      this.publish(message, 'Send', { send: {} });
      for (const to of [...message.Destination.ToAddresses, ...(message.Destination.CcAddresses ?? []), ...(message.Destination.BccAddresses ?? [])]) {
        const address = addressOf(to);
        const at = new Date().toISOString();
        const outcome = simulatorOutcome(address);
        if (outcome === 'bounce' || outcome === 'suppressed') {
          this.publish(message, 'Bounce', { bounce: {
            feedbackId: `${randomUUID()}-local`, bounceType: 'Permanent', bounceSubType: outcome === 'bounce' ? 'General' : 'Suppressed',
            bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1', diagnosticCode: outcome === 'bounce' ? 'smtp; 550 5.1.1 user unknown' : 'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.' }],
            timestamp: at, reportingMTA: 'dns; amazonses.com',
          } });
          continue;
        }
        this.publish(message, 'Delivery', { delivery: { timestamp: at, processingTimeMillis: 0, recipients: [address], smtpResponse: '250 2.6.0 Message received', reportingMTA: 'a8-70.smtp-out.amazonses.com', remoteMtaIp: '127.0.0.1' } });
        if (outcome === 'complaint') {
          this.publish(message, 'Complaint', { complaint: {
            feedbackId: `${randomUUID()}-local`, complaintSubType: null, complainedRecipients: [{ emailAddress: address }], timestamp: at,
            userAgent: 'Amazon SES Mailbox Simulator', complaintFeedbackType: 'abuse', arrivalDate: at,
          } });
        }
      }
    }
    return { MessageId: message.Id };
  }

  private publishing: SesEventPublishing | undefined;

  /** Turns on the configuration set's event publishing (the local runtime wires it to its EventBridge emulator). */
  publishEvents(publishing: SesEventPublishing): void {
    this.publishing = publishing;
  }

  private publish(message: SentMessage, type: SesEventType, extra: Record<string, unknown>) {
    if (!this.publishing) return;
    this.publishing.emit({
      source: 'aws.ses', detailType: SES_DETAIL_TYPES[type], detail: sesEventDetail(message, type, extra, ACCOUNT_ID),
      resources: [`arn:aws:ses:${this.region}:${ACCOUNT_ID}:configuration-set/${message.ConfigurationSetName}`],
    });
  }

  /** The recipient's client loaded the open pixel: "Email Opened" (each time, as SES). False for an unknown message. */
  open(id: string, userAgent = 'Mozilla/5.0', ip = '127.0.0.1'): boolean {
    const m = this.messages.find((x) => x.Id === id);
    if (!m || !this.publishing || m.ConfigurationSetName !== this.publishing.configurationSet) return false;
    this.publish(m, 'Open', { open: { timestamp: new Date().toISOString(), userAgent, ipAddress: ip } });
    return true;
  }

  /** A tracked link was followed: "Email Clicked", and where to redirect; undefined unless it is one of the message's links. */
  click(id: string, link: string, userAgent = 'Mozilla/5.0', ip = '127.0.0.1'): string | undefined {
    const m = this.messages.find((x) => x.Id === id);
    if (!m || !this.publishing || !m.TrackedLinks?.includes(link)) return undefined;
    this.publish(m, 'Click', { click: { timestamp: new Date().toISOString(), ipAddress: ip, userAgent, link, linkTags: {} } });
    return link;
  }

  /** `Simple.Attachments` / `Template.Attachments` (API_Attachment): checked field by field. */
  private attachments(input: unknown): StoredAttachment[] | undefined {
    if (input === undefined || input === null) return undefined;
    if (!Array.isArray(input)) throw bad('Attachments must be a list');
    return input.map((a: Record<string, unknown>, i) => {
      const at = `Attachments[${i}]`;
      if (typeof a?.FileName !== 'string' || a.FileName === '') throw bad(`Missing required field ${at}.FileName`);
      if (a.FileName.length > 255) throw bad(`${at}.FileName is longer than 255 characters`);
      if (a.RawContent === undefined || a.RawContent === null) throw bad(`Missing required field ${at}.RawContent`);
      const raw = base64Field(a.RawContent, `${at}.RawContent`);
      const disposition = a.ContentDisposition ?? 'ATTACHMENT';
      if (disposition !== 'ATTACHMENT' && disposition !== 'INLINE') throw bad(`${at}.ContentDisposition must be ATTACHMENT or INLINE`);
      const encoding = a.ContentTransferEncoding;
      if (encoding !== undefined && !['BASE64', 'QUOTED_PRINTABLE', 'SEVEN_BIT'].includes(String(encoding))) throw bad(`${at}.ContentTransferEncoding must be BASE64, QUOTED_PRINTABLE or SEVEN_BIT`);
      if (a.ContentId !== undefined && (typeof a.ContentId !== 'string' || a.ContentId.length < 1 || a.ContentId.length > 78)) throw bad(`${at}.ContentId must be 1-78 characters`);
      if (a.ContentDescription !== undefined && (typeof a.ContentDescription !== 'string' || a.ContentDescription.length > 1000)) throw bad(`${at}.ContentDescription is longer than 1000 characters`);
      blockExtension(a.FileName);
      return {
        FileName: a.FileName,
        ContentType: typeof a.ContentType === 'string' && a.ContentType ? a.ContentType : typeFor(a.FileName),
        ContentDisposition: disposition,
        ...(encoding !== undefined ? { ContentTransferEncoding: String(encoding) } : {}),
        ...(a.ContentId !== undefined ? { ContentId: a.ContentId as string } : {}),
        ...(a.ContentDescription !== undefined ? { ContentDescription: a.ContentDescription as string } : {}),
        Size: Buffer.from(raw, 'base64').length,
        RawContent: raw,
      };
    });
  }

  /** The bytes of one attachment of a message (local inspection: `GET /_aws/ses/{id}/attachments/{FileName}`). */
  attachment(id: string, fileName: string): { FileName: string; ContentType: string; bytes: Buffer } | undefined {
    const a = this.messages.find((m) => m.Id === id)?.Attachments?.find((x) => x.FileName === fileName);
    return a ? { FileName: a.FileName, ContentType: a.ContentType, bytes: Buffer.from(a.RawContent, 'base64') } : undefined;
  }

  /** LocalStack's `DELETE /_aws/ses[?id=]`: forget one message, or all. */
  clear(id?: string | null): void {
    const keep = id ? this.messages.filter((m) => m.Id !== id) : [];
    if (id) this.journal.done(id);
    else this.journal.clear();
    this.messages.splice(0, this.messages.length, ...keep);
  }

  /**
   * LocalStack's `GET /_aws/ses`: `?id=` keeps that message only; `?email=` keeps messages to that
   * recipient (To/Cc/Bcc). Messages SES would not deliver (rendering failures) are not listed.
   */
  list(filter: string | null | { email?: string | null; id?: string | null } = {}) {
    const { email, id } = typeof filter === 'object' && filter !== null ? filter : { email: filter, id: null };
    const wanted = email?.toLowerCase();
    const messages = this.messages.filter((m) => !m.RenderingFailure
      && (!id || m.Id === id)
      && (!wanted || [...m.Destination.ToAddresses, ...(m.Destination.CcAddresses ?? []), ...(m.Destination.BccAddresses ?? [])].some((a) => addressOf(a).toLowerCase() === wanted)));
    // LocalStack's fields; RawData for raw messages, attachment metadata (not content) when there are any.
    return {
      messages: messages.map(({ Id, Region, Source, Destination, Subject, Body, Timestamp, RawData, Attachments, Headers, ReplyToAddresses }) => ({
        Id, Region, Source, Destination, Subject, Body, Timestamp,
        ...(ReplyToAddresses?.length ? { ReplyToAddresses } : {}),
        ...(RawData ? { RawData } : {}),
        ...(Headers?.length ? { Headers } : {}),
        ...(Attachments?.length ? { Attachments: Attachments.map(({ RawContent: _c, ...meta }) => meta) } : {}),
      })),
    };
  }
}

function templateContent(input: unknown): TemplateContent {
  if (!input || typeof input !== 'object') throw bad('Missing required field TemplateContent');
  const c = input as Record<string, unknown>;
  const out: TemplateContent = {};
  for (const k of ['Subject', 'Text', 'Html'] as const) {
    if (c[k] === undefined || c[k] === null) continue;
    if (typeof c[k] !== 'string') throw bad(`TemplateContent.${k} must be a string`);
    out[k] = c[k] as string;
  }
  if (out.Subject === undefined && out.Text === undefined && out.Html === undefined) throw bad('TemplateContent needs a Subject, Text or Html part');
  return out;
}

function templateNameFromArn(arn: string, region: string): string {
  const m = /^arn:aws:ses:([^:]+):(\d{12}):template\/([^/]+)$/.exec(arn);
  if (!m) throw bad(`Invalid TemplateArn ${arn}`);
  if (m[1] !== region || m[2] !== ACCOUNT_ID) throw notFound(`Template ${m[3]} does not exist.`);
  return m[3]!;
}

/** A blob member of the JSON request (the SDK base64-encodes Uint8Array fields). */
function base64Field(value: unknown, name: string): string {
  if (typeof value !== 'string') throw bad(`${name} must be base64-encoded data`);
  const compact = value.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw bad(`${name} is not valid base64`);
  return compact;
}

function blockExtension(fileName: string) {
  const ext = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (ext && BLOCKED_EXTENSIONS.has(ext)) throw rejected(`Attachments with the file extension .${ext} are not supported: ${fileName}`);
}

const typeFor = (fileName: string) => TYPES[/\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

/**
 * SES templates are Handlebars: `{{name}}` / `{{a.b}}` are replaced HTML-escaped, `{{{name}}}` as is.
 * Only these simple substitutions are emulated (block helpers such as `{{#if}}` stay literal). A name
 * without data is collected in `missing` (SES: a Rendering Failure, the mail is not sent).
 */
export function render(template: string, data: Record<string, unknown>, missing: Set<string>): string {
  return template.replace(/\{\{\{\s*([\w.-]+)\s*\}\}\}|\{\{\s*([\w.-]+)\s*\}\}/g, (_m, raw: string | undefined, escaped: string | undefined) => {
    const path = (raw ?? escaped)!;
    let v: unknown = data;
    for (const part of path.split('.')) v = v !== null && typeof v === 'object' && Object.hasOwn(v, part) ? (v as Record<string, unknown>)[part] : undefined;
    if (v === undefined || v === null) {
      missing.add(path);
      return '';
    }
    const s = typeof v === 'object' ? '[object Object]' : String(v);
    return raw !== undefined ? s : s.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]!);
  });
}

// ---- MIME (RFC 5322 / 2045 / 2047): enough to list recipients, subject, bodies and attachments. ----

export interface ParsedMail {
  headers: [string, string][];
  text: string | null;
  html: string | null;
  attachments: StoredAttachment[];
}

/** Splits a raw message into headers and body and walks multipart bodies; malformed messages are MessageRejected. */
export function parseMime(raw: Buffer): ParsedMail {
  const out: ParsedMail = { headers: [], text: null, html: null, attachments: [] };
  const source = raw.toString('latin1');
  for (const line of source.split(/\r?\n/)) if (line.length > 998) throw rejected('Message lines may not be longer than 1000 characters (RFC 5321).');
  const { headers, body } = splitEntity(source, true);
  out.headers = headers;
  walk(headers, body, out, 0);
  return out;
}

function splitEntity(source: string, top: boolean): { headers: [string, string][]; body: string } {
  if (!top && /^\r?\n/.test(source)) return { headers: [], body: source.replace(/^\r?\n/, '') };
  const m = /\r?\n\r?\n/.exec(source);
  if (!m) {
    if (top) throw rejected('The message has to contain a header and a body, separated by one blank line.');
    return { headers: parseHeaders(source), body: '' };
  }
  return { headers: parseHeaders(source.slice(0, m.index)), body: source.slice(m.index + m[0].length) };
}

function parseHeaders(block: string): [string, string][] {
  const headers: [string, string][] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line === '') continue;
    if (/^[ \t]/.test(line) && headers.length) {
      headers[headers.length - 1]![1] += ` ${line.trim()}`;
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0 || !/^[\x21-\x39\x3b-\x7e]+$/.test(line.slice(0, i))) throw rejected(`Illegal header line: ${line.slice(0, 80)}`);
    headers.push([line.slice(0, i).toLowerCase(), utf8Header(line.slice(i + 1).trim())]);
  }
  return headers;
}

/** Header bytes (read as latin1) that form valid UTF-8 are UTF-8 (RFC 6532); others stay as they are. */
function utf8Header(value: string): string {
  if (!/[\x80-\xff]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** `type/subtype; a=b; c="d"` → { value, params } */
function headerParams(value: string | undefined): { value: string; params: Record<string, string> } {
  const [first = '', ...rest] = (value ?? '').split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i < 0) continue;
    params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { value: first.trim().toLowerCase(), params };
}

function walk(headers: [string, string][], body: string, out: ParsedMail, depth: number) {
  if (depth > 20) throw rejected('MIME parts are nested too deeply');
  const h = (n: string) => headers.find(([k]) => k === n)?.[1];
  const type = headerParams(h('content-type') ?? 'text/plain');
  if (type.value.startsWith('multipart/')) {
    const boundary = type.params.boundary;
    if (!boundary) throw rejected('A multipart part has no boundary');
    const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pieces = body.split(new RegExp(`(?:^|\\r?\\n)--${escaped}`));
    if (!pieces.slice(1).some((p) => p.startsWith('--'))) throw rejected(`The multipart boundary ${boundary} is never closed`);
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith('--')) break; // the close delimiter
      const part = splitEntity(piece.replace(/^[ \t]*\r?\n/, ''), false);
      walk(part.headers, part.body, out, depth + 1);
    }
    return;
  }
  const content = decodeTransfer(body, h('content-transfer-encoding'));
  const disposition = headerParams(h('content-disposition'));
  const fileName = disposition.params.filename ?? type.params.name;
  const isAttachment = disposition.value === 'attachment' || fileName !== undefined || !type.value.startsWith('text/');
  if (!isAttachment && type.value === 'text/plain' && out.text === null) out.text = decodeCharset(content, type.params.charset);
  else if (!isAttachment && type.value === 'text/html' && out.html === null) out.html = decodeCharset(content, type.params.charset);
  else {
    const name = decodeWords(fileName ?? 'attachment');
    blockExtension(name);
    const cid = h('content-id')?.replace(/^<|>$/g, '');
    out.attachments.push({
      FileName: name, ContentType: type.value, ContentDisposition: disposition.value === 'inline' ? 'INLINE' : 'ATTACHMENT',
      ...(cid ? { ContentId: cid } : {}), Size: content.length, RawContent: content.toString('base64'),
    });
  }
}

function decodeTransfer(body: string, encoding: string | undefined): Buffer {
  const e = (encoding ?? '7bit').trim().toLowerCase();
  if (e === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (e === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1');
  }
  return Buffer.from(body, 'latin1');
}

function decodeCharset(bytes: Buffer, charset = 'us-ascii'): string {
  const label = charset.toLowerCase() === 'us-ascii' ? 'utf-8' : charset;
  try {
    return new TextDecoder(label).decode(bytes).replace(/\r\n/g, '\n').replace(/\n$/, '');
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?gb2312?Q?...?=`) in a header value. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, charset: string, kind: string, text: string) => {
      const bytes = kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
      return decodeCharset(bytes, charset.replace(/\*.*$/, ''));
    });
}

/** `"Name, Inc." <a@x>, b@y` → the addresses, as given (display names kept). */
function addressList(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const ch of decodeWords(value)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle++;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && angle === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out.filter((a) => !/^[^<]*:;?$/.test(a)); // group syntax "undisclosed-recipients:;"
}

/** `EmailTags` (API_MessageTag): names and values of ASCII letters, digits, `_` and `-`, at most 256 characters. */
function emailTags(list: unknown): Record<string, string[]> {
  if (list === undefined || list === null) return {};
  if (!Array.isArray(list)) throw bad('EmailTags must be a list');
  const out: Record<string, string[]> = {};
  for (const t of list as { Name?: unknown; Value?: unknown }[]) {
    const name = String(t?.Name ?? '');
    const value = String(t?.Value ?? '');
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) throw bad(`Invalid tag name ${name}: only ASCII letters, numbers, underscores and dashes, at most 256`);
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(value)) throw bad(`Invalid value for tag ${name}: only ASCII letters, numbers, underscores and dashes, at most 256`);
    if (name.startsWith('ses:')) throw bad(`Tag names starting with ses: are reserved`);
    out[name] = [value];
  }
  return out;
}

/**
 * The `detail` of an SES event on EventBridge (ses/latest/dg/event-publishing-retrieving-sns-examples.html, the
 * same record): `eventType`, the `mail` object (headers, common headers, tags as name → values, with SES's own
 * `ses:*` tags) and the event's own object (`send`, `delivery`, `bounce`, `complaint`, `open`, `click`).
 */
export function sesEventDetail(m: SentMessage, eventType: SesEventType, extra: Record<string, unknown>, accountId: string): Record<string, unknown> {
  const destination = [...m.Destination.ToAddresses, ...(m.Destination.CcAddresses ?? []), ...(m.Destination.BccAddresses ?? [])];
  const fromAddress = addressOf(m.Source);
  const headers = [
    { name: 'From', value: m.Source }, { name: 'To', value: m.Destination.ToAddresses.join(', ') }, { name: 'Subject', value: m.Subject },
    { name: 'MIME-Version', value: '1.0' }, { name: 'Content-Type', value: 'multipart/alternative' },
    ...(m.Headers ?? []).map((h) => ({ name: h.Name, value: h.Value })),
  ];
  return {
    eventType,
    mail: {
      timestamp: m.Timestamp, source: m.Source, sourceArn: `arn:aws:ses:${m.Region}:${accountId}:identity/${fromAddress.split('@')[1] ?? fromAddress}`,
      sendingAccountId: accountId, messageId: m.Id, destination, headersTruncated: false, headers,
      commonHeaders: { from: [m.Source], to: m.Destination.ToAddresses, messageId: m.Id, subject: m.Subject },
      tags: {
        'ses:configuration-set': [m.ConfigurationSetName ?? ''], 'ses:source-ip': ['127.0.0.1'], 'ses:from-domain': [fromAddress.split('@')[1] ?? ''],
        'ses:caller-identity': ['local'], ...(m.Tags ?? {}),
      },
    },
    ...extra,
  };
}

/**
 * Open and click tracking as SES does it: each `<a href="http(s)://…">` (unless it carries `ses:no-track`) goes
 * through `<base>/click/<messageId>?u=<url>`, and a 1×1 pixel `<base>/open/<messageId>` is added at the end of the body.
 */
export function trackHtml(html: string, base: string, messageId: string): { html: string; links: string[] } {
  const links: string[] = [];
  const decode = (u: string) => u.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  const rewritten = html.replace(/<a\b[^>]*>/gi, (tag) => {
    if (/\sses:no-track\b/i.test(tag)) return tag;
    return tag.replace(/(\shref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/i, (_m, pre: string, q: string, url: string) => {
      const original = decode(url);
      if (!links.includes(original)) links.push(original);
      return `${pre}${q}${base}/click/${encodeURIComponent(messageId)}?u=${encodeURIComponent(original)}${q}`;
    });
  });
  const pixel = `<img src="${base}/open/${encodeURIComponent(messageId)}" width="1" height="1" alt="" style="display:none;width:1px;height:1px;border:0">`;
  const at = rewritten.search(/<\/body>/i);
  return { html: at >= 0 ? `${rewritten.slice(0, at)}${pixel}${rewritten.slice(at)}` : `${rewritten}${pixel}`, links };
}

/**
 * `Headers` of Simple or Template content (API_MessageHeader): at most 15, names of 1–126 printable ASCII
 * characters without `:`, values up to 870 characters without CR/LF; SES refuses the rest.
 */
function messageHeaders(list: unknown): { Name: string; Value: string }[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw bad('Headers must be a list');
  if (list.length > 15) throw bad('A message may carry at most 15 custom headers');
  return list.map((h: { Name?: unknown; Value?: unknown }) => {
    const name = String(h?.Name ?? '');
    const value = String(h?.Value ?? '');
    if (!/^[!-9;-~]{1,126}$/.test(name)) throw bad(`Invalid header name ${name}`);
    if (value.length > 870 || /[\r\n]/.test(value)) throw bad(`Invalid value for header ${name}`);
    return { Name: name, Value: value };
  });
}
