import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { config } from '#commons/config.ts';
import { correlationId } from '#commons/observability.ts';

/**
 * One attempt per SendEmail. SES has no idempotency token for SendEmail, so an SDK retry after a timeout
 * or a 5xx could deliver the same email twice; whether to try again is the caller's decision, made from
 * the kind of failure (see MailRefused).
 */
const ses = new SESv2Client({ maxAttempts: 1 });

/** SES answered SendEmail with a 4xx error (refused, throttled, quota, bad address): nothing was sent. */
export class MailRefused extends Error {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`SES refused the email: ${reason}`, options);
    this.name = 'MailRefused';
  }
}

/**
 * `"Name" <address>` for FromEmailAddress: SES takes a display name with non-ASCII characters (客服中心) only as
 * an RFC 2047 encoded word, so such a name is sent as `=?UTF-8?B?…?=`.
 */
export function mailbox(name: string, address: string): string {
  const clean = name.replace(/[\r\n"]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!clean) return address;
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(clean) ? `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?= <${address}>` : `"${clean}" <${address}>`;
}

/** A sender other than the deployment's (a tenant's support address, verified in SES), a Reply-To, extra headers (threading). */
export interface MailOptions {
  readonly from?: string;
  readonly replyTo?: string;
  readonly headers?: readonly { Name: string; Value: string }[];
}

/**
 * Sends one email through SES v2 with the deployment's configuration set (bounces and complaints
 * tracked); the MessageId SES gave it. Throws MailRefused when SES certainly did not send it; any other
 * error (no answer, 5xx) leaves it unknown whether SES accepted the email.
 */
export async function sendMail(
  to: string, mail: { subject: string; text: string; html: string },
  attachments: readonly { fileName: string; contentType: string; content: Uint8Array }[] = [],
  options: MailOptions = {},
): Promise<string | undefined> {
  const { from, configurationSet } = config.mail();
  const id = correlationId();
  const headers = [...(id ? [{ Name: 'X-Correlation-Id', Value: id }] : []), ...(options.headers ?? [])];
  try {
    const res = await ses.send(new SendEmailCommand({
      FromEmailAddress: options.from ?? from,
      Destination: { ToAddresses: [to] },
      ...(options.replyTo ? { ReplyToAddresses: [options.replyTo] } : {}),
      ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
      Content: {
        Simple: {
          // The request or event that caused the email (so support can follow it from the inbox to the logs), and the caller's.
          ...(headers.length ? { Headers: headers } : {}),
          Subject: { Data: mail.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
          ...(attachments.length
            ? { Attachments: attachments.map((a) => ({ FileName: a.fileName, ContentType: a.contentType, RawContent: a.content, ContentDisposition: 'ATTACHMENT' as const })) }
            : {}),
        },
      },
    }));
    return res.MessageId;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined && status >= 400 && status < 500) throw new MailRefused((error as Error).name, { cause: error });
    throw error;
  }
}
