import { connect } from 'node:net';

/**
 * One SMTP transaction (RFC 5321: EHLO, MAIL, RCPT, DATA with dot-stuffing, QUIT) on `port` of 127.0.0.1: `raw`
 * (CRLF lines) from `from` to `to`; resolves with the server's answer to DATA (`250 Ok: queued as <id>`). Nothing
 * of the test runner in it, so the tests (test/support/smtp.ts) and the bench (bench/service.ts) hand mail over
 * the same way.
 */
export async function smtpTransaction(port: number, from: string, to: readonly string[], raw: string): Promise<string> {
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
