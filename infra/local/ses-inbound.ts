import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { InboundMailDeclaration } from '../declarations/events.ts';
import { lambdaArn } from './config.ts';
import { invoke, track } from './lambda.ts';

/**
 * SES email receiving, emulated for `npm start` (SVC-1): an SMTP listener on `127.0.0.1:${SMTP_PORT:-2525}`
 * stands in for SES's inbound endpoint and does what the receipt rule does on AWS — the S3 action stores the
 * raw message at `<objectKeyPrefix><SES message id>` in the files bucket (through the local S3, over its wire
 * protocol), then the Lambda action invokes the declared function as an Event with SES's receipt notification
 * (the `Records[].ses.{mail, receipt}` shape of the SES developer guide's "Lambda action" page), retried twice
 * on error as Lambda does for asynchronous invocations. Every recipient is accepted: on AWS the receipt rule
 * takes all of the verified receiving domain, and the function drops mail for addresses no tenant has.
 * Limits as SES: 40 MB a message, 50 recipients.
 */
export const SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
const MAX_RECIPIENTS = 50;
const ASYNC_ATTEMPTS = 3;

export interface InboundReceipt {
  messageId: string;
  at: string;
  from: string;
  recipients: string[];
  /** `processing` until the Lambda action returned (`delivered`, with what it returned) or gave up (`failed`). */
  status: 'processing' | 'delivered' | 'failed';
  result?: unknown;
  error?: string;
}

/** SES's inbound message ids: 20–40 lower-case letters and digits. */
const sesInboundId = () => [...randomBytes(40)].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');

function headerList(raw: Buffer): { name: string; value: string }[] {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 65536) : end).toString('utf8');
  const out: { name: string; value: string }[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length) out[out.length - 1]!.value += ` ${line.trim()}`;
    else {
      const i = line.indexOf(':');
      if (i > 0) out.push({ name: line.slice(0, i), value: line.slice(i + 1).trim() });
    }
  }
  return out;
}

export class SesInboundEmulator {
  readonly receipts: InboundReceipt[] = [];
  private server: SMTPServer | undefined;
  private readonly s3: S3Client;

  constructor(private readonly o: { declaration: InboundMailDeclaration; bucket: string; s3Endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }) {
    this.s3 = new S3Client({ endpoint: o.s3Endpoint, forcePathStyle: true, region: o.region, credentials: o.credentials });
  }

  /** Starts listening; rejects with the listen error (EADDRINUSE...). */
  listen(port: number, host: string): Promise<number> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: SES_MAX_MESSAGE_BYTES,
      banner: 'Cirrus local SES inbound',
      logger: false,
      onRcptTo: (_address, session, callback) => {
        if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(Object.assign(new Error('Too many recipients'), { responseCode: 452 }));
        callback();
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (stream.sizeExceeded) return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          // Accept like SES (250 once stored), then process asynchronously as the Lambda action does.
          this.receive(Buffer.concat(chunks), from, recipients).then((id) => callback(null, `Ok: queued as ${id}`), (error) => callback(error as Error));
        });
      },
    });
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.removeListener('error', reject);
        server.on('error', (e) => console.error('[local] SMTP listener:', e.message));
        resolve((server.server.address() as { port: number }).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Stores the message (the S3 action) and starts the Lambda action; the SES message id. */
  async receive(raw: Buffer, from: string, recipients: string[]): Promise<string> {
    const messageId = sesInboundId();
    const at = new Date().toISOString();
    const { declaration, bucket } = this.o;
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${declaration.objectKeyPrefix}${messageId}`, Body: raw }));
    const headers = headerList(raw);
    const h = (name: string) => headers.find((x) => x.name.toLowerCase() === name)?.value;
    const event = {
      Records: [{
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: at, source: from, messageId, destination: recipients, headersTruncated: false, headers,
            commonHeaders: {
              returnPath: from, ...(h('from') ? { from: [h('from')] } : {}), ...(h('date') ? { date: h('date') } : {}),
              ...(h('to') ? { to: [h('to')] } : {}), ...(h('message-id') ? { messageId: h('message-id') } : {}), ...(h('subject') !== undefined ? { subject: h('subject') } : {}),
            },
          },
          receipt: {
            timestamp: at, processingTimeMillis: 0, recipients,
            spamVerdict: { status: 'PASS' }, virusVerdict: { status: 'PASS' }, spfVerdict: { status: 'PASS' }, dkimVerdict: { status: 'PASS' }, dmarcVerdict: { status: 'PASS' },
            action: { type: 'Lambda', functionArn: lambdaArn(declaration.target.name), invocationType: 'Event' },
          },
        },
      }],
    };
    const receipt: InboundReceipt = { messageId, at, from, recipients, status: 'processing' };
    this.receipts.push(receipt);
    if (this.receipts.length > 500) this.receipts.splice(0, this.receipts.length - 500);
    void track(async () => {
      for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt++) {
        try {
          receipt.result = await invoke(declaration.target, event, 'ses-receipt');
          receipt.status = 'delivered';
          return;
        } catch (error) {
          receipt.error = String((error as Error)?.message ?? error);
          if (attempt === ASYNC_ATTEMPTS) {
            receipt.status = 'failed';
            console.error(`[local] SES receipt: ${declaration.target.name} failed ${ASYNC_ATTEMPTS} times on ${messageId}:`, receipt.error);
          } else await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    });
    return messageId;
  }
}
