import { request } from 'node:http';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, login, unique } from '../support/client.ts';

/**
 * The local runtime's control plane and HTTP layer, over the wire:
 * - same-origin only: no answer carries `Access-Control-Allow-Origin` (a page on another origin could
 *   otherwise read /_local/invocations or /_aws/ses, or create an admin through the Cognito admin API);
 * - DNS rebinding: a Host that is not localhost / 127.0.0.1 / [::1] (with the port) or the host of
 *   CIRRUS_PUBLIC_URL gets 421 Misdirected Request;
 * - /_local/invocations keeps bearer tokens, signatures and cookies redacted;
 * - the HTTP API's quotas (docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html):
 *   payload 10 MB → 413, request line + header values 10240 bytes → 414/431, and a path that does not
 *   decode → 400, never 500.
 */
type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** node:http, because fetch may not set Host and always sends a body it has in full. */
function raw(path: string, opts: { method?: string; headers?: Record<string, string | number>; body?: string | Buffer; declaredLength?: number } = {}): Promise<Raw> {
  const url = new URL(baseUrl());
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: opts.method ?? 'GET', path, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    // A declared length larger than what is written: the runtime must answer without waiting for the rest.
    if (opts.declaredLength === undefined) req.end();
  });
}

let token: string;
beforeAll(async () => {
  token = await login('rep1@demo.local');
});

describe('same origin only: no CORS on any answer', () => {
  it('answers emulators, inspection endpoints and preflights without Access-Control-Allow-Origin', async () => {
    const cross = { origin: 'http://evil.example' };
    const answers = await Promise.all([
      fetch(`${baseUrl()}/_aws/ses`),
      fetch(`${baseUrl()}/_local/invocations`),
      fetch(`${baseUrl()}/config.json`),
      fetch(`${baseUrl()}/local_cirrus/.well-known/jwks.json`),
      fetch(`${baseUrl()}/api/health`, { headers: cross }),
      fetch(`${baseUrl()}/`, { method: 'OPTIONS', headers: { ...cross, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target' } }),
      fetch(`${baseUrl()}/_local/invocations`, { method: 'OPTIONS', headers: { ...cross, 'access-control-request-method': 'GET' } }),
      fetch(`${baseUrl()}/api/me`, { method: 'OPTIONS', headers: { ...cross, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } }),
    ]);
    for (const res of answers) {
      expect(res.headers.get('access-control-allow-origin'), res.url).toBeNull();
      expect(res.headers.get('access-control-allow-headers'), res.url).toBeNull();
    }
  });

  it('refuses a cross-origin browser request to the emulators and the control plane (403), not to /api', async () => {
    const evil = { origin: 'http://evil.example', 'content-type': 'text/plain' };
    const adminCreate = await fetch(baseUrl(), {
      method: 'POST',
      headers: { ...evil, 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminCreateUser' },
      body: JSON.stringify({ UserPoolId: 'local_cirrus', Username: `evil.${unique()}@example.com`, UserAttributes: [{ Name: 'email', Value: 'evil@example.com' }] }),
    });
    expect(adminCreate.status).toBe(403);
    const clock = await fetch(`${baseUrl()}/_local/clock`, { method: 'POST', headers: evil, body: '{"advanceSeconds":0}' });
    expect(clock.status).toBe(403);
    expect((await fetch(`${baseUrl()}/_aws/ses`, { headers: { origin: 'null' } })).status).toBe(403);
    // The runtime's own origin (the SPA) is fine, and /api takes any origin as API Gateway does.
    expect((await fetch(`${baseUrl()}/_aws/ses`, { headers: { origin: baseUrl() } })).status).toBe(200);
    expect((await fetch(`${baseUrl()}/_aws/ses`, { headers: { origin: 'http://localhost:5173' } })).status).toBe(200);
    expect((await fetch(`${baseUrl()}/_aws/ses`, { headers: { origin: 'http://localhost.evil.example' } })).status).toBe(403);
    expect((await fetch(`${baseUrl()}/api/health`, { headers: { origin: 'http://evil.example' } })).status).toBe(200);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('answers 421 to any other host, on every path', async () => {
    const port = new URL(baseUrl()).port;
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`, '192.168.1.20', `0.0.0.0:${port}`]) {
      for (const path of ['/api/health', '/_local/invocations', '/_aws/ses', '/', '/config.json']) {
        const res = await raw(path, { headers: { host } });
        expect(res.status, `${host} ${path}`).toBe(421);
      }
    }
  });

  it('answers the loopback names with or without a port (the runtime\'s, or a dev server\'s proxying to it)', async () => {
    const port = new URL(baseUrl()).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', '127.0.0.1', `[::1]:${port}`, `LOCALHOST:${port}`, 'localhost:5173']) {
      expect((await raw('/api/health', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('points the SPA at Cognito on the origin it was opened under, since there is no CORS', async () => {
    const port = new URL(baseUrl()).port;
    const asLocalhost = await raw('/config.json', { headers: { host: `localhost:${port}` } });
    expect(JSON.parse(asLocalhost.body).cognitoEndpoint).toBe(`http://localhost:${port}`);
    const asPublic = await raw('/config.json', { headers: { host: new URL(baseUrl()).host } });
    expect(JSON.parse(asPublic.body).cognitoEndpoint).toBe(baseUrl());
  });
});

describe('/_local/invocations keeps no credentials', () => {
  it('redacts the bearer token, cookies and signature headers in what it keeps', async () => {
    const marker = unique();
    const res = await api(token)('GET', `/api/me?marker=${marker}`, undefined, { cookie: `session=s3cr3t-${marker}; theme=dark`, 'x-cirrus-signature': `sig-${marker}`, 'crm-signature': `t=1,v1=${marker}` });
    expect(res.status).toBe(200);
    const text = await (await fetch(`${baseUrl()}/_local/invocations`)).text();
    expect(text).not.toContain(token.split('.')[2]!);
    expect(text).not.toContain(`s3cr3t-${marker}`);
    expect(text).not.toContain(`sig-${marker}`);
    expect(text).not.toContain(`v1=${marker}`);
    const call = (JSON.parse(text).invocations as any[]).find((i) => i.event?.rawQueryString === `marker=${marker}`);
    expect(call.event.headers.authorization).toBe('Bearer [redacted]');
    expect(call.event.headers['x-cirrus-signature']).toBe('[redacted]');
    expect(call.event.cookies).toEqual(['session=[redacted]', 'theme=[redacted]']);
    expect(call.event.requestContext.authorizer.jwt.claims['custom:tenantId']).toBe('demo');
  });

  it('redacts passwords in JSON bodies', async () => {
    const marker = unique();
    await api(token)('POST', `/api/contacts?marker=${marker}`, { firstName: 'P', lastName: marker, password: `pw-${marker}` });
    const text = await (await fetch(`${baseUrl()}/_local/invocations`)).text();
    expect(text).toContain(marker);
    expect(text).not.toContain(`pw-${marker}`);
  });
});

describe('HTTP layer limits: 4xx like API Gateway, never 500', () => {
  it('hands the handler the path percent-decoded (rawPath and http.path), as HTTP APIs do', async () => {
    // Seen on live HTTP APIs: middleapi/standard-server#93 (captures in hotsock/voker#8), aws/aws-lambda-dotnet#1901.
    const marker = unique();
    await raw(`/api/contacts/caf%C3%A9-${marker}`, { headers: { authorization: `Bearer ${token}` } });
    const calls = ((await (await fetch(`${baseUrl()}/_local/invocations`)).json()) as { invocations: any[] }).invocations;
    const call = calls.find((i) => i.event?.pathParameters?.id === `café-${marker}`);
    expect(call.event.rawPath).toBe(`/api/contacts/café-${marker}`);
    expect(call.event.requestContext.http.path).toBe(`/api/contacts/café-${marker}`);
  });

  it('answers 400 to a malformed %-escape in the path', async () => {
    for (const path of ['/api/contacts/%E0%A4%A', '/api/contacts/%', '/api/contacts/%zz', '/api/notifications/%FF/read']) {
      const res = await raw(path, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ message: 'Bad Request' });
    }
  });

  it('answers 413 to a body over 10 MB without reading it all (declared length or chunked)', async () => {
    const declared = await raw('/api/contacts', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': 10 * 1024 * 1024 + 1 }, body: '{"firstName":"', declaredLength: 10 * 1024 * 1024 + 1 });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({ message: 'Request Entity Too Large' });
    const chunked = await raw('/api/contacts', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: Buffer.alloc(10 * 1024 * 1024 + 10, 'a') });
    expect(chunked.status).toBe(413);
    // The runtime is still there.
    expect((await api()('GET', '/api/health')).status).toBe(200);
  });

  it('answers 414 to a request line over the 10240-byte quota, 431 to headers over it', async () => {
    const longPath = await raw(`/api/contacts/${'a'.repeat(10_300)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(longPath.status).toBe(414);
    const bigHeaders = await raw('/api/health', { headers: { 'x-big': 'b'.repeat(10_300) } });
    expect(bigHeaders.status).toBe(431);
    // Just under the quota is served.
    expect((await raw(`/api/health?pad=${'p'.repeat(9000)}`)).status).toBe(200);
  });
});

describe('SES v2 over the wire', () => {
  it('sends Raw and attachment mail through the real SDK client and lists one message by ?id=', async () => {
    const ses = new SESv2Client({ region: 'us-east-1', endpoint: baseUrl(), credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const to = `raw.${unique()}@example.com`;
    const mime = `From: no-reply@cirrus.local\r\nTo: ${to}\r\nSubject: Raw hello\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nraw body 你好\r\n`;
    const rawSent = await ses.send(new SendEmailCommand({ Content: { Raw: { Data: new TextEncoder().encode(mime) } } }));
    const pdf = new TextEncoder().encode('%PDF-1.4 test');
    const attached = await ses.send(new SendEmailCommand({
      FromEmailAddress: 'no-reply@cirrus.local', Destination: { ToAddresses: [to] },
      Content: { Simple: { Subject: { Data: 'Quote' }, Body: { Text: { Data: 'attached' } }, Attachments: [{ FileName: 'quote.pdf', RawContent: pdf, ContentType: 'application/pdf' }] } },
    }));
    const one = await (await fetch(`${baseUrl()}/_aws/ses?id=${rawSent.MessageId}`)).json() as { messages: any[] };
    expect(one.messages).toHaveLength(1);
    expect(one.messages[0]).toMatchObject({ Id: rawSent.MessageId, Subject: 'Raw hello', Destination: { ToAddresses: [to] }, Body: { text_part: 'raw body 你好' } });
    expect(Buffer.from(one.messages[0].RawData, 'base64').toString()).toBe(mime);
    const mine = await (await fetch(`${baseUrl()}/_aws/ses?email=${encodeURIComponent(to)}`)).json() as { messages: any[] };
    expect(mine.messages.map((m) => m.Id)).toEqual([rawSent.MessageId, attached.MessageId]);
    expect(mine.messages[1].Attachments).toEqual([{ FileName: 'quote.pdf', ContentType: 'application/pdf', ContentDisposition: 'ATTACHMENT', Size: pdf.length }]);
    const refused = await ses.send(new SendEmailCommand({ FromEmailAddress: 'no-reply@cirrus.local', Destination: { ToAddresses: [to] }, Content: { Template: { TemplateName: `missing-${unique()}` } } })).catch((e) => e);
    expect(refused.name).toBe('NotFoundException');
  });
});
