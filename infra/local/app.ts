import type { IncomingMessage, ServerResponse } from 'node:http';
import { REGION, USER_POOL_CLIENT_ID, USER_POOL_ID } from './config.ts';
import type { CognitoEmulator } from './cognito.ts';
import type { EventBridgeEmulator } from './eventbridge.ts';
import type { HttpApi } from './http-api.ts';
import { busy, listInvocations, whenIdle } from './lambda.ts';
import { AwsError, parseJson, readBody, sendAwsJsonError, sendJson, sendRestJsonError } from './protocol.ts';
import type { S3Emulator } from './s3.ts';
import type { SchedulerEmulator } from './scheduler.ts';
import type { SesEmulator } from './ses.ts';
import type { SesInboundEmulator } from './ses-inbound.ts';
import { serveStatic } from './static.ts';
import type { StreamPoller } from './stream.ts';

/**
 * The one request dispatcher of the local runtime:
 *   X-Amz-Target AWSEvents.* / AWSCognitoIdentityProviderService.*  → EventBridge / Cognito (awsJson 1.1)
 *   /schedules..., /schedule-groups... → Scheduler (restJson1)        /v2/email/... → SES v2 (restJson1)
 *   /api/*         → the HTTP API (routes + JWT authorizer)
 *   /_aws/*, /_local/*, /config.json, /<pool>/.well-known/jwks.json → local inspection and config
 *   anything else  → the SPA in dist/web
 */
export interface AppDeps {
  cognito: CognitoEmulator;
  events: EventBridgeEmulator;
  scheduler: SchedulerEmulator;
  ses: SesEmulator;
  s3: S3Emulator;
  inbound: SesInboundEmulator;
  /** The SMTP listener's port, once listening. */
  smtp: () => number | undefined;
  httpApi: HttpApi;
  stream: StreamPoller;
  publicUrl: string;
  webRoot: string;
  advanceClock: (seconds: number) => void;
  ready: () => boolean;
}

/** SES v2 takes messages up to 40 MB (attachments included); its JSON request carries them base64-encoded. */
const SES_BODY_LIMIT = 56 * 1024 * 1024;

/**
 * DNS rebinding defence: the runtime answers only requests addressed to a loopback name — localhost,
 * 127.0.0.1 or [::1], with or without a port — or to the host of CIRRUS_PUBLIC_URL. A rebound name
 * (evil.example → 127.0.0.1) keeps the attacker's hostname in Host, so it gets 421 Misdirected Request.
 * Any port is fine on a loopback name: the runtime's own, and that of a dev server proxying to it
 * (frontend/vite.config.ts serves the SPA on :5173 and forwards Host and Origin unchanged).
 */
const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

export function hostAllowed(host: string | undefined, publicUrl: string, port: number): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  if (LOOPBACK.test(h)) return true;
  try {
    const u = new URL(publicUrl);
    return h === u.host.toLowerCase() || (!u.port && h === `${u.hostname.toLowerCase()}:${port}`);
  } catch {
    return false;
  }
}

/**
 * A browser names the page that sent a request in `Origin`. The emulators and the local control plane
 * (everything but /api/*) take requests from the runtime's own origin or from non-browser clients only:
 * a page elsewhere cannot create Cognito users, move the clock or read mail even with a "simple" request.
 */
export function originAllowed(origin: string | undefined, publicUrl: string, port: number): boolean {
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && hostAllowed(u.host, publicUrl, port);
  } catch {
    return false;
  }
}

export function createApp(d: AppDeps) {
  /** Waits until nothing runs: no invocation or delivery in flight and the stream drained, twice in a row. */
  async function settle(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let calm = 0;
    while (calm < 2 && performance.now() < deadline) {
      await Promise.race([whenIdle(), new Promise((r) => setTimeout(r, Math.max(0, deadline - performance.now())))]);
      await d.stream.waitQuiet(2, Math.max(0, deadline - performance.now()));
      await d.scheduler.tick();
      calm = busy() ? 0 : calm + 1;
    }
  }

  return async function app(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const target = req.headers['x-amz-target'];
    const port = req.socket.localPort ?? 0;

    if (!hostAllowed(req.headers.host, d.publicUrl, port)) return sendJson(res, 421, { message: 'Misdirected Request: this runtime answers only to localhost, 127.0.0.1, [::1] or the host of CIRRUS_PUBLIC_URL' });
    const isApi = path.startsWith('/api/') || path === '/api';
    if (!isApi && !originAllowed(req.headers.origin, d.publicUrl, port)) return sendJson(res, 403, { message: 'Forbidden: cross-origin requests to the local emulators are refused' });

    // No CORS: a preflight outside /api gets no access-control-* headers, so a browser on another origin
    // sends nothing after it. /api/* answers OPTIONS like the HTTP API without a CORS configuration.
    if (method === 'OPTIONS' && !isApi) {
      res.writeHead(204, { allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS', 'content-length': '0' });
      return void res.end();
    }

    // S3 (REST-XML, path style): /<bucket>/<key> for a bucket the emulator holds, or any request signed for s3.
    if (d.s3.accepts(req, url)) return d.s3.handle(req, res, url);

    if (typeof target === 'string') {
      const [service, operation = ''] = target.split('.');
      try {
        const input = parseJson(await readBody(req));
        let out: unknown;
        if (service === 'AWSEvents') out = await d.events.handle(operation, input);
        else if (service === 'AWSCognitoIdentityProviderService') out = await d.cognito.handle(operation, input);
        else throw new AwsError('UnknownOperationException', `The local runtime does not emulate ${target}`);
        return sendJson(res, 200, out, 'application/x-amz-json-1.1');
      } catch (error) {
        if (!(error instanceof AwsError)) console.error(`[local] ${target} failed:`, error);
        return sendAwsJsonError(res, error);
      }
    }

    if (path === '/schedules' || path.startsWith('/schedules/') || path === '/schedule-groups' || path.startsWith('/schedule-groups/')) {
      try {
        const body = method === 'GET' || method === 'DELETE' ? {} : parseJson(await readBody(req));
        const [status, out] = await d.scheduler.handle(method, path, url.searchParams, body);
        return sendJson(res, status, out);
      } catch (error) {
        if (!(error instanceof AwsError)) console.error('[local] scheduler failed:', error);
        return sendRestJsonError(res, error);
      }
    }

    if (path.startsWith('/v2/email/')) {
      try {
        const body = method === 'GET' || method === 'DELETE' ? {} : parseJson(await readBody(req, SES_BODY_LIMIT));
        const [status, out] = d.ses.handle(method, path, body);
        return sendJson(res, status, out);
      } catch (error) {
        if (!(error instanceof AwsError)) console.error('[local] ses failed:', error);
        return sendRestJsonError(res, error);
      }
    }

    if (isApi) {
      if (!d.ready()) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        return void res.end(JSON.stringify({ message: 'Starting' }));
      }
      return d.httpApi.handle(req, res, url);
    }

    // Local inspection and control (not part of AWS).
    if (path === '/_aws/ses' && method === 'GET') return sendJson(res, 200, d.ses.list({ email: url.searchParams.get('email'), id: url.searchParams.get('id') }));
    // SES receiving: where the SMTP listener is, and what it took in (newest last).
    if (path === '/_aws/ses/inbound' && method === 'GET') return sendJson(res, 200, { smtp: { port: d.smtp() ?? null }, receipts: d.inbound.receipts });
    if (path === '/_aws/ses' && method === 'DELETE') {
      d.ses.clear(url.searchParams.get('id'));
      res.writeHead(204);
      return void res.end();
    }
    // Issue 10: SES open and click tracking (the pixel and the rewritten links of a tracked message).
    const tracking = method === 'GET' ? /^\/_aws\/ses\/(open|click)\/([^/]+)$/.exec(path) : null;
    if (tracking) {
      const id = decodeURIComponent(tracking[2]!);
      const ua = String(req.headers['user-agent'] ?? 'Mozilla/5.0');
      if (tracking[1] === 'open') {
        if (!d.ses.open(id, ua)) return sendJson(res, 404, { message: 'Not Found' });
        res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' });
        return void res.end(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));
      }
      const to = d.ses.click(id, url.searchParams.get('u') ?? '', ua);
      if (!to) return sendJson(res, 404, { message: 'Not Found' });
      res.writeHead(302, { location: to, 'cache-control': 'no-store' });
      return void res.end();
    }
    // An attachment's bytes, as the recipient would save it (GET /_aws/ses/{messageId}/attachments/{FileName}).
    const attachment = method === 'GET' ? /^\/_aws\/ses\/([^/]+)\/attachments\/([^/]+)$/.exec(path) : null;
    if (attachment) {
      const found = d.ses.attachment(decodeURIComponent(attachment[1]!), decodeURIComponent(attachment[2]!));
      if (!found) return sendJson(res, 404, { message: 'No such message or attachment' });
      res.writeHead(200, { 'content-type': found.ContentType, 'content-length': String(found.bytes.length), 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(found.FileName)}` });
      return void res.end(found.bytes);
    }
    if (path === '/_aws/events' && method === 'GET') return sendJson(res, 200, { events: d.events.events });
    if (path === '/_aws/events/dead-letters' && method === 'GET') return sendJson(res, 200, { deadLetters: d.events.deadLetters });
    if (path === '/_aws/stream/failures' && method === 'GET') return sendJson(res, 200, { failures: d.stream.failures });
    if (path === '/_local/invocations' && method === 'GET') {
      const fn = url.searchParams.get('function');
      return sendJson(res, 200, { invocations: listInvocations(fn).map(({ result: _r, ...rest }) => rest) });
    }
    if (path === '/_local/clock') {
      if (method === 'GET') return sendJson(res, 200, { now: new Date().toISOString() });
      if (method === 'POST') {
        let seconds: number;
        try {
          seconds = Number(parseJson(await readBody(req)).advanceSeconds);
        } catch {
          seconds = Number.NaN;
        }
        if (!Number.isFinite(seconds) || seconds < 0) return sendJson(res, 400, { message: 'Send {"advanceSeconds": <number ≥ 0>}' });
        // Let work started before the jump finish first, so it happens "before" the new time.
        await settle();
        d.advanceClock(seconds);
        await d.scheduler.tick();
        await settle();
        return sendJson(res, 200, { now: new Date().toISOString() });
      }
    }
    if (path === '/_local/settle' && method === 'POST') {
      await settle();
      return sendJson(res, 200, { now: new Date().toISOString() });
    }
    if (path === '/config.json') {
      // The browser SDK calls Cognito on the page's own origin (there is no CORS): the public URL, or the
      // loopback name the page was opened under (the Host was checked above, so it is one of ours).
      const publicHost = new URL(d.publicUrl).host.toLowerCase();
      const host = String(req.headers.host).toLowerCase();
      const cognitoEndpoint = host === publicHost ? d.publicUrl : `http://${host}`;
      return sendJson(res, 200, { region: REGION, userPoolId: USER_POOL_ID, userPoolClientId: USER_POOL_CLIENT_ID, cognitoEndpoint }, 'application/json', { 'cache-control': 'no-store' });
    }
    if (path === `/${USER_POOL_ID}/.well-known/jwks.json`) return sendJson(res, 200, d.cognito.jwksDocument());
    if (path === `/${USER_POOL_ID}/.well-known/openid-configuration`) {
      const iss = d.cognito.issuer;
      return sendJson(res, 200, { issuer: iss, jwks_uri: `${iss}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256'], subject_types_supported: ['public'], response_types_supported: ['code', 'token'] });
    }
    if (path.startsWith('/_aws/') || path.startsWith('/_local/')) return sendJson(res, 404, { message: 'Not Found' });
    serveStatic(d.webRoot, path, method, res);
  };
}
