import { connect } from 'node:net';
import { baseUrl } from './client.ts';

/**
 * A minimal SMTP client (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT) for handing mail to the local runtime's
 * listener as a customer's mail server would; the port comes from GET /_aws/ses/inbound.
 */
export async function smtpPort(): Promise<number> {
  const res = await fetch(`${baseUrl()}/_aws/ses/inbound`);
  const port = ((await res.json()) as { smtp: { port: number | null } }).smtp.port;
  if (!port) throw new Error('The runtime has no SMTP listener');
  return port;
}

/** Sends `raw` (CRLF lines) from `from` to `to`; resolves with the server's answer to DATA (`250 Ok: queued as <id>`). */
export async function sendSmtp(from: string, to: readonly string[], raw: string): Promise<string> {
  const port = await smtpPort();
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    // A reply is complete at a line whose code is followed by a space (not a dash: more lines follow).
    let m: RegExpExecArray | null;
    while ((m = /^(\d{3}) .*\r\n/m.exec(buffer))) {
      const end = m.index + m[0].length;
      const reply = buffer.slice(0, end);
      buffer = buffer.slice(end);
      waiters.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((resolve, reject) => {
    waiters.push(resolve);
    socket.once('error', reject);
  });
  const expect = async (code: string, cmd?: string) => {
    const wait = next();
    if (cmd !== undefined) socket.write(`${cmd}\r\n`);
    const reply = await wait;
    if (!reply.split('\r\n').filter(Boolean).pop()!.startsWith(code)) throw new Error(`SMTP ${cmd ?? 'greeting'}: ${reply}`);
    return reply;
  };
  try {
    await expect('220');
    await expect('250', 'EHLO test.example');
    await expect('250', `MAIL FROM:<${from}>`);
    for (const r of to) await expect('250', `RCPT TO:<${r}>`);
    await expect('354', 'DATA');
    // Dot-stuffing: a line starting with "." gets another.
    const body = raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    const done = await expect('250', `${body}\r\n.`);
    await expect('221', 'QUIT');
    return done.trim();
  } finally {
    socket.end();
  }
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
