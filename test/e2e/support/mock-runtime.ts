/**
 * A stand-in for the local runtime, for working on the web app before (or without) `npm start`:
 * serves dist/web, /config.json, a Cognito InitiateAuth emulator and /api/* through the real record
 * service over an in-memory store. Not used by CI; the e2e test runs against the real runtime when the
 * global setup provides `baseUrl`. Start: node --import tsx test/e2e/support/mock-runtime.ts [port]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Principal, Role } from '../../../functions/commons/auth.ts';
import { HttpProblem } from '../../../functions/commons/problem.ts';
import { accountEntity } from '../../../functions/accounts/entity.ts';
import { contactEntity } from '../../../functions/contacts/entity.ts';
import {
  childRecords, createRecord, deleteRecord, etag, getRecord, listRecords, recordTimeline, restoreRecord, searchPrefix, searchTokens,
  updateRecord, type RecordDeps,
} from '../../../functions/records/service.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import type { ListSpec } from '../../../functions/records/store.ts';

/** The unit-test store plus what a list page needs: prefix search, tag filter, sort, children. */
class SearchableStore extends MemoryStore {
  override async list(t: string, type: string, spec: ListSpec) {
    const def = type === 'account' ? accountEntity : contactEntity;
    const prefix = spec.q ? searchPrefix(spec.q) : '';
    let items = [...this.records.entries()]
      .filter(([k, r]) => k.startsWith(`${t}/${type}/`) && Boolean(r.deletedAt) === spec.deleted)
      .map(([, r]) => r)
      .filter((r) => !spec.ownerId || r.ownerId === spec.ownerId)
      .filter((r) => !spec.tag || ((r as { tags?: string[] }).tags ?? []).includes(spec.tag))
      .filter((r) => !prefix || searchTokens(def, r as Record<string, unknown>).some((tok) => tok.startsWith(prefix)));
    const key = spec.sort.replace('-', '') as 'name' | 'createdAt';
    items = items.sort((a, b) => String((a as any)[key] ?? '').localeCompare(String((b as any)[key] ?? '')) * (spec.sort.startsWith('-') ? -1 : 1));
    const start = spec.cursor ? Number(spec.cursor) : 0;
    const page = items.slice(start, start + spec.limit);
    return { items: page, nextCursor: start + spec.limit < items.length ? String(start + spec.limit) : null };
  }
  override async children(t: string, _type: string, id: string) {
    const items = [...this.records.entries()].filter(([k, r]) => k.startsWith(`${t}/contact/`) && !r.deletedAt && (r as any).accountId === id).map(([, r]) => r);
    return { items, nextCursor: null } as never;
  }
}

const USERS: Array<{ id: string; email: string; name: string; role: Role; tenantId: string }> = [
  { id: 'u-rep1', email: 'rep1@demo.local', name: 'Li Na', role: 'rep', tenantId: 'demo' },
  { id: 'u-rep2', email: 'rep2@demo.local', name: 'Wang Lei', role: 'rep', tenantId: 'demo' },
  { id: 'u-mgr', email: 'manager@demo.local', name: 'Zhang Min', role: 'manager', tenantId: 'demo' },
  { id: 'u-admin', email: 'admin@demo.local', name: 'Admin', role: 'admin', tenantId: 'demo' },
];
const PASSWORD = 'Demo123!';
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export async function startMockRuntime(port = 0, root = join(process.cwd(), 'dist/web')) {
  const store = new SearchableStore();
  for (const u of USERS) store.users.set(`${u.tenantId}/${u.id}`, { id: u.id, email: u.email, name: u.name, role: u.role } as never);
  let seq = 0;
  const deps: RecordDeps = { store, clock: () => new Date(), newId: () => `${Date.now().toString(36)}${(++seq).toString(36).padStart(4, '0')}`.toUpperCase() };
  const principal = (u: (typeof USERS)[number]): Principal => ({ tenantId: u.tenantId, userId: u.id, email: u.email, name: u.name, role: u.role, groups: [u.role] });

  // A little seed data so lists are not empty.
  const mgr = principal(USERS[2]!);
  const acme = await createRecord(accountEntity, mgr, { name: 'Acme Robotics', domain: 'acme-robotics.example.com', industry: 'Manufacturing', country: 'US', city: 'Austin', phone: '(512) 555-0134', employees: 540, annualRevenue: { amount: 12_000_000_000, currency: 'USD' }, tags: ['manufacturing'] }, deps);
  const hw = await createRecord(accountEntity, mgr, { name: '上海云启软件', domain: 'yunqi.example.cn', industry: 'Software', country: 'CN', city: '上海', phone: '021 6888 1234', employees: 350, tags: ['smb'] }, deps);
  for (const [first, last, title, phone, acc, country] of [
    ['John', 'Smith', 'VP Operations', '(512) 555-0101', acme.id, 'US'], ['Emily', 'Johnson', 'Procurement Lead', '(512) 555-0102', acme.id, 'US'],
    ['敏', '陈', 'CEO', '137 1234 5678', hw.id, 'CN'], ['杰', '杨', '销售副总裁', '135 8765 4321', hw.id, 'CN'],
  ] as const) {
    await createRecord(contactEntity, principal(USERS[0]!), { firstName: first, lastName: last, title, phone, accountId: acc, country, email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`.replace(/[^\x00-\x7f]/g, 'x') }, deps).catch(() => undefined);
  }

  const config = (origin: string) => ({ region: 'local', userPoolId: 'local_demo', userPoolClientId: 'local-web', cognitoEndpoint: `${origin}/_local/cognito` });

  function token(u: (typeof USERS)[number]) {
    const now = Math.floor(Date.now() / 1000);
    return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: u.id, email: u.email, name: u.name, 'custom:tenantId': u.tenantId, 'cognito:groups': [u.role], iat: now, exp: now + 3600, token_use: 'id' })}.mock`;
  }
  function userFrom(req: IncomingMessage) {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer ([^.]+)\.([^.]+)\./.exec(auth);
    if (!m) return undefined;
    const claims = JSON.parse(Buffer.from(m[2]!, 'base64url').toString());
    if (claims.exp < Date.now() / 1000) return undefined;
    return USERS.find((u) => u.id === claims.sub);
  }

  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const s = Buffer.concat(chunks).toString();
    return s ? JSON.parse(s) : undefined;
  };

  async function api(req: IncomingMessage, res: ServerResponse, url: URL) {
    const u = userFrom(req);
    if (!u) throw new HttpProblem(401, 'Unauthorized', 'A valid bearer token is required.');
    const p = principal(u);
    const query = Object.fromEntries(url.searchParams);
    const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
    const ifMatch = req.headers['if-match'] as string | undefined;
    if (parts[0] === 'me') return send(res, 200, { id: u.id, email: u.email, name: u.name, role: u.role, tenantId: u.tenantId, language: 'en' });
    if (parts[0] === 'users') return send(res, 200, { items: USERS.map(({ tenantId: _t, ...x }) => x) });
    const def = parts[0] === 'accounts' ? accountEntity : parts[0] === 'contacts' ? contactEntity : undefined;
    if (!def) throw new HttpProblem(404, 'Not Found', 'No such route.');
    const [, id, sub] = parts;
    const m = req.method;
    if (!id && m === 'GET') return send(res, 200, await listRecords(def, p, query, deps));
    if (!id && m === 'POST') {
      const r = await createRecord(def, p, await readBody(req), deps);
      return send(res, 201, r, { etag: etag(r.version), location: `/api/${parts[0]}/${r.id}` });
    }
    if (id && !sub && m === 'GET') { const r = await getRecord(def, p, id, deps); return send(res, 200, r, { etag: etag(r.version) }); }
    if (id && !sub && m === 'PATCH') { const r = await updateRecord(def, p, id, await readBody(req), ifMatch, deps); return send(res, 200, r, { etag: etag(r.version) }); }
    if (id && !sub && m === 'DELETE') { await deleteRecord(def, p, id, ifMatch, deps); res.writeHead(204).end(); return; }
    if (sub === 'restore' && m === 'POST') { const r = await restoreRecord(def, p, id!, deps); return send(res, 200, r, { etag: etag(r.version) }); }
    if (sub === 'timeline') return send(res, 200, await recordTimeline(def, p, id!, query, deps));
    if (sub === 'contacts' && def === accountEntity) return send(res, 200, await childRecords(def, 'contact', p, id!, query, deps));
    throw new HttpProblem(404, 'Not Found', 'No such route.');
  }

  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
  const server = createServer(async (req, res) => {
    const origin = `http://${req.headers.host}`;
    const url = new URL(req.url ?? '/', origin);
    try {
      if (url.pathname === '/config.json') return send(res, 200, config(origin));
      if (req.method === 'POST' && String(req.headers['x-amz-target'] ?? '').endsWith('.InitiateAuth')) {
        const body = await readBody(req);
        const fail = (type: string, message: string) => send(res, 400, { __type: type, message }, { 'content-type': 'application/x-amz-json-1.1' });
        if (body.AuthFlow === 'USER_PASSWORD_AUTH') {
          const u = USERS.find((x) => x.email === String(body.AuthParameters?.USERNAME).toLowerCase());
          if (!u || body.AuthParameters?.PASSWORD !== PASSWORD) return fail('NotAuthorizedException', 'Incorrect username or password.');
          return send(res, 200, { AuthenticationResult: { IdToken: token(u), AccessToken: token(u), RefreshToken: `refresh:${u.id}`, ExpiresIn: 3600, TokenType: 'Bearer' } }, { 'content-type': 'application/x-amz-json-1.1' });
        }
        if (body.AuthFlow === 'REFRESH_TOKEN_AUTH') {
          const u = USERS.find((x) => `refresh:${x.id}` === body.AuthParameters?.REFRESH_TOKEN);
          if (!u) return fail('NotAuthorizedException', 'Invalid Refresh Token');
          return send(res, 200, { AuthenticationResult: { IdToken: token(u), AccessToken: token(u), ExpiresIn: 3600, TokenType: 'Bearer' } }, { 'content-type': 'application/x-amz-json-1.1' });
        }
        return fail('InvalidParameterException', 'Unsupported flow');
      }
      if (url.pathname.startsWith('/api/')) return await api(req, res, url);
      const file = normalize(join(root, url.pathname));
      const path = file.startsWith(root) && extname(file) ? file : join(root, 'index.html');
      const data = await readFile(path).catch(() => readFile(join(root, 'index.html')));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      res.end(data);
    } catch (e) {
      if (e instanceof HttpProblem) {
        res.writeHead(e.status, { 'content-type': 'application/problem+json', ...e.headers });
        res.end(JSON.stringify(e.toBody()));
      } else {
        console.error(e);
        send(res, 500, { title: 'Internal Server Error' });
      }
    }
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const addr = server.address();
  const baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`;
  return { baseUrl, close: () => new Promise<void>((r) => server.close(() => r())) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rt = await startMockRuntime(Number(process.argv[2] ?? 3000));
  console.log(`mock runtime on ${rt.baseUrl}`);
}
