import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser.ts';

/**
 * A browser uses presigned S3 URLs directly, as the SPA will for attachments and imports: Chromium, on a page
 * of the runtime's origin, PUTs a file picked in an <input type=file> to a presigned URL and the test reads
 * the object back with the SDK; a presigned GET opens in the browser. A page on another origin cannot read
 * S3 answers (no Access-Control-Allow-Origin) and cannot write.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const BUCKET = 'cirrus-files';
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sdk: S3Client;
let presigner: S3Client;

/** Signed against the runtime's clock (other files move it). */
async function presign(command: PutObjectCommand | GetObjectCommand, expiresIn = 300): Promise<string> {
  const { now } = (await (await fetch(`${baseUrl}/_local/clock`)).json()) as { now: string };
  return getSignedUrl(presigner, command, { expiresIn, signingDate: new Date(now), ...(command instanceof PutObjectCommand && command.input.ContentType ? { signableHeaders: new Set(['content-type']) } : {}) });
}

beforeAll(async () => {
  baseUrl = inject('baseUrl').replace(/\/$/, '');
  const config = { region: 'us-east-1', endpoint: baseUrl, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  sdk = new S3Client(config);
  presigner = new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' });
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
  // A page of the runtime's origin (config.json needs no web build).
  await page.goto(`${baseUrl}/config.json`);
});
afterAll(async () => {
  await browser?.close();
});

describe('presigned S3 URLs from Chromium', () => {
  it('uploads a file chosen in the page through a presigned PUT; the SDK reads the same bytes back', async () => {
    const key = `demo/e2e-${unique}/quote 报价.pdf`;
    const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300_000, 0x41), Buffer.from('\n%%EOF\n')]);
    const url = await presign(new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'application/pdf', Metadata: { 'uploaded-by': 'e2e' } }));
    await page.setContent('<input type="file" id="file">');
    await page.setInputFiles('#file', { name: 'quote.pdf', mimeType: 'application/pdf', buffer: content });
    const result = await page.evaluate(async (target) => {
      const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
      const res = await fetch(target, { method: 'PUT', body: file, headers: { 'content-type': file.type } });
      return { status: res.status, etag: res.headers.get('etag'), origin: location.origin };
    }, url);
    expect(result.origin).toBe(new URL(baseUrl).origin);
    expect(result.status).toBe(200);
    expect(result.etag).toMatch(/^"[0-9a-f]{32}"$/);

    const got = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(got.ContentType).toBe('application/pdf');
    expect(got.Metadata).toEqual({ 'uploaded-by': 'e2e' });
    expect(got.ETag).toBe(result.etag);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(content)).toBe(true);
  });

  it('opens a presigned GET in the browser (navigation and fetch)', async () => {
    const key = `demo/e2e-${unique}/notes.txt`;
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'Meeting notes — 会议记录', ContentType: 'text/plain; charset=utf-8' }));
    const url = await presign(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const viewer = await context.newPage();
    const response = await viewer.goto(url);
    expect(response?.status()).toBe(200);
    expect(await viewer.locator('body').innerText()).toContain('Meeting notes — 会议记录');
    await viewer.close();
    const fetched = await page.evaluate(async (target) => {
      const res = await fetch(target);
      return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
    }, url);
    expect(fetched).toEqual({ status: 200, text: 'Meeting notes — 会议记录', type: 'text/plain; charset=utf-8' });
  });

  it('an expired URL is refused in the browser with S3\'s AccessDenied', async () => {
    const key = `demo/e2e-${unique}/late.txt`;
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'late' }));
    const { now } = (await (await fetch(`${baseUrl}/_local/clock`)).json()) as { now: string };
    const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60, signingDate: new Date(Date.parse(now) - 3600_000) });
    const res = await page.evaluate(async (target) => {
      const r = await fetch(target);
      return { status: r.status, text: await r.text() };
    }, url);
    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
  });

  it('a page on another origin can neither read a presigned GET nor write through a presigned PUT', async () => {
    const key = `demo/e2e-${unique}/cross.txt`;
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'original' }));
    const get = await presign(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const put = await presign(new PutObjectCommand({ Bucket: BUCKET, Key: key, ContentType: 'text/plain' }));
    const base = new URL(baseUrl);
    const otherOrigin = `http://${base.hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${base.port}`;
    const other = await context.newPage();
    await other.goto(`${otherOrigin}/config.json`);
    const outcome = await other.evaluate(async ({ get, put }) => {
      const attempt = async (p: Promise<Response>) => p.then((r) => `status ${r.status}`, (e: Error) => `blocked: ${e.name}`);
      return { read: await attempt(fetch(get)), write: await attempt(fetch(put, { method: 'PUT', body: 'overwritten', headers: { 'content-type': 'text/plain' } })) };
    }, { get, put });
    expect(outcome).toEqual({ read: 'blocked: TypeError', write: 'blocked: TypeError' });
    await other.close();
    const head = await sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentLength).toBe('original'.length);
  });
});
