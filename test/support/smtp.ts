import { baseUrl } from './client.ts';
import { smtpTransaction } from './smtp-wire.ts';

/** Mail to the local runtime's SMTP listener, as a customer's mail server would hand it over; the port comes from GET /_aws/ses/inbound. */
export async function smtpPort(): Promise<number> {
  const res = await fetch(`${baseUrl()}/_aws/ses/inbound`);
  const port = ((await res.json()) as { smtp: { port: number | null } }).smtp.port;
  if (!port) throw new Error('The runtime has no SMTP listener');
  return port;
}

/** Sends `raw` to the runtime's listener from `from` to `to`; resolves with the server's answer to DATA (`250 Ok: queued as <id>`). */
export async function sendSmtp(from: string, to: readonly string[], raw: string): Promise<string> {
  return smtpTransaction(await smtpPort(), from, to, raw);
}

/** An RFC 5322 message: headers then a text body (UTF-8, 8bit), or multipart with attachments. */
export function mimeMessage(o: {
  from: string; to: string; subject: string; text: string; messageId: string; inReplyTo?: string; references?: string;
  headers?: Record<string, string>; attachments?: { fileName: string; contentType: string; content: Buffer }[];
}): string {
  const head = [
    `From: ${o.from}`, `To: ${o.to}`, `Subject: =?UTF-8?B?${Buffer.from(o.subject).toString('base64')}?=`,
    `Message-ID: ${o.messageId}`, `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0',
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []), ...(o.references ? [`References: ${o.references}`] : []),
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const textPart = ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', Buffer.from(o.text).toString('base64').replace(/.{76}/g, '$&\r\n')];
  if (!o.attachments?.length) return [...head, ...textPart].join('\r\n');
  const boundary = `b${Math.random().toString(36).slice(2)}`;
  const parts = [
    [`--${boundary}`, ...textPart],
    ...o.attachments.map((a) => [`--${boundary}`, `Content-Type: ${a.contentType}; name="${a.fileName}"`, `Content-Disposition: attachment; filename="${a.fileName}"`, 'Content-Transfer-Encoding: base64', '', a.content.toString('base64').replace(/.{76}/g, '$&\r\n')]),
  ];
  return [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts.flat(), `--${boundary}--`, ''].join('\r\n');
}
