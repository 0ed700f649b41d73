import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AwsError } from './protocol.ts';
import { readJson, writeJson } from './store.ts';

/**
 * SES v2 emulator (restJson1, `POST /v2/email/outbound-emails`): SendEmail with Simple content. Nothing is
 * delivered; messages are kept in DATA_DIR and listed at `GET /_aws/ses` in LocalStack's shape.
 */
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
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
const addressOf = (a: string) => /<([^>]+)>\s*$/.exec(a)?.[1] ?? a.trim();

export class SesEmulator {
  private readonly file: string;
  readonly messages: SentMessage[];

  constructor(dataDir: string, private readonly region: string) {
    this.file = join(dataDir, 'ses-messages.json');
    this.messages = readJson<SentMessage[]>(this.file, []);
  }

  handle(method: string, path: string, body: Record<string, any>): [number, unknown] {
    if (method === 'POST' && path === '/v2/email/outbound-emails') return [200, this.send(body)];
    if (method === 'GET' && path === '/v2/email/account') {
      return [200, { DedicatedIpAutoWarmupEnabled: false, EnforcementStatus: 'HEALTHY', ProductionAccessEnabled: true, SendQuota: { Max24HourSend: 1e6, MaxSendRate: 1e3, SentLast24Hours: this.messages.length }, SendingEnabled: true }];
    }
    throw new AwsError('NotFoundException', `The local SES emulator does not implement ${method} ${path}`, 404);
  }

  private send(body: Record<string, any>) {
    const from = body.FromEmailAddress;
    if (typeof from !== 'string' || !EMAIL.test(addressOf(from))) throw new AwsError('BadRequestException', 'Missing or invalid FromEmailAddress');
    const dest = body.Destination ?? {};
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    const to = list(dest.ToAddresses);
    const cc = list(dest.CcAddresses);
    const bcc = list(dest.BccAddresses);
    if (to.length + cc.length + bcc.length === 0) throw new AwsError('BadRequestException', 'Missing required field Destination');
    if (to.length + cc.length + bcc.length > 50) throw new AwsError('BadRequestException', 'Recipient count exceeds 50');
    for (const a of [...to, ...cc, ...bcc]) if (!EMAIL.test(addressOf(a))) throw new AwsError('BadRequestException', `Invalid email address ${a}`);
    const simple = body.Content?.Simple;
    if (!simple) throw new AwsError('BadRequestException', 'The local SES emulator supports Content.Simple only');
    if (typeof simple.Subject?.Data !== 'string') throw new AwsError('BadRequestException', 'Missing required field Subject');
    const text = simple.Body?.Text?.Data;
    const html = simple.Body?.Html?.Data;
    if (text === undefined && html === undefined) throw new AwsError('BadRequestException', 'Missing required field Body');
    const message: SentMessage = {
      Id: `${randomUUID().replace(/-/g, '')}-local`,
      Region: this.region,
      Source: from,
      Destination: { ToAddresses: to, ...(cc.length ? { CcAddresses: cc } : {}), ...(bcc.length ? { BccAddresses: bcc } : {}) },
      Subject: simple.Subject.Data,
      Body: { text_part: text ?? null, html_part: html ?? null },
      Timestamp: new Date().toISOString(),
      ...(body.ConfigurationSetName ? { ConfigurationSetName: String(body.ConfigurationSetName) } : {}),
      ...(Array.isArray(body.ReplyToAddresses) ? { ReplyToAddresses: body.ReplyToAddresses.map(String) } : {}),
    };
    this.messages.push(message);
    writeJson(this.file, this.messages);
    return { MessageId: message.Id };
  }

  /** LocalStack's `DELETE /_aws/ses[?id=]`: forget one message, or all. */
  clear(id?: string | null): void {
    const keep = id ? this.messages.filter((m) => m.Id !== id) : [];
    this.messages.splice(0, this.messages.length, ...keep);
    writeJson(this.file, this.messages);
  }

  /** LocalStack's `GET /_aws/ses` (optionally `?email=` = a recipient, matched like LocalStack does on the addresses). */
  list(email?: string | null) {
    const wanted = email?.toLowerCase();
    const messages = wanted
      ? this.messages.filter((m) => [...m.Destination.ToAddresses, ...(m.Destination.CcAddresses ?? []), ...(m.Destination.BccAddresses ?? [])].some((a) => addressOf(a).toLowerCase() === wanted))
      : this.messages;
    // Exactly LocalStack's fields; the configuration set and reply-to stay in the stored file only.
    return { messages: messages.map(({ Id, Region, Source, Destination, Subject, Body, Timestamp }) => ({ Id, Region, Source, Destination, Subject, Body, Timestamp })) };
  }
}
