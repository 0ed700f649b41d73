import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Emulator } from '../../infra/local/s3.ts';

/**
 * functions/commons/s3.ts against the local emulator, configured only through the environment a function
 * gets (AWS_ENDPOINT_URL_S3, FILES_BUCKET, S3_FORCE_PATH_STYLE) — the client takes no endpoint option.
 */
type Commons = typeof import('../../functions/commons/s3.ts');
let files: Commons;
let server: Server;
const saved = { ...process.env };

beforeAll(async () => {
  const s3 = new S3Emulator({ dataDir: mkdtempSync(join(tmpdir(), 'cirrus-s3c-')), region: 'us-east-1', credentials: { local: 'local' } });
  s3.createBucket('cirrus-files');
  server = createServer((req, res) => void s3.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_S3: `http://localhost:${(server.address() as { port: number }).port}`,
    S3_FORCE_PATH_STYLE: 'true',
    FILES_BUCKET: 'cirrus-files',
  });
  delete process.env.AWS_PROFILE;
  files = await import('../../functions/commons/s3.ts');
});
afterAll(async () => {
  process.env = saved;
  await new Promise<void>((r) => server.close(() => r()));
});

describe('tenant file keys', () => {
  it('start with the tenant and cannot leave it', () => {
    expect(files.tenantFileKey('demo', 'attachments', 'c-1', '报价.pdf')).toBe('demo/attachments/c-1/报价.pdf');
    expect(files.tenantOfKey('demo/attachments/x')).toBe('demo');
    for (const bad of [['..', 'x'], ['a/b'], [''], ['.'], ['a\nb']]) expect(() => files.tenantFileKey('demo', ...bad)).toThrow();
    expect(() => files.tenantFileKey('de/mo', 'x')).toThrow();
    expect(() => files.tenantFileKey('demo')).toThrow();
    expect(() => files.tenantFileKey('demo', 'x'.repeat(1100))).toThrow(/1024/);
  });

  it('presigning refuses a key of another tenant', async () => {
    await expect(files.presignedUpload('demo', 'acme/x.txt')).rejects.toThrow(/not a file of tenant demo/);
    await expect(files.presignedDownload('demo', 'demox/x.txt')).rejects.toThrow();
    await expect(files.presignedDownload('demo', 'demo/x.txt', { expiresInSeconds: 7 * 24 * 3600 })).rejects.toThrow(/1–3600/);
  });
});

describe('presigned uploads and downloads', () => {
  it('an upload URL carries no default checksum and takes the browser\'s body; the signed content type must match', async () => {
    const key = files.tenantFileKey('demo', 'attachments', 'photo.png');
    const url = await files.presignedUpload('demo', key, { contentType: 'image/png', metadata: { 'record-id': 'c-1' } });
    expect(url).toMatch(/^http:\/\/localhost:\d+\/cirrus-files\/demo\/attachments\/photo\.png\?/);
    expect(url).not.toContain('x-amz-checksum');
    expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    const wrongType = await fetch(url, { method: 'PUT', body: 'GIF89a', headers: { 'content-type': 'text/html' } });
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const ok = await fetch(url, { method: 'PUT', body: new Uint8Array([137, 80, 78, 71]), headers: { 'content-type': 'image/png' } });
    expect(ok.status).toBe(200);
    const head = await files.s3Client().send(new HeadObjectCommand({ Bucket: files.filesBucket(), Key: key }));
    expect(head).toMatchObject({ ContentType: 'image/png', ContentLength: 4, Metadata: { 'record-id': 'c-1' } });
  });

  it('a signed content length refuses a different body size', async () => {
    const key = files.tenantFileKey('demo', 'imports', 'contacts.csv');
    const url = await files.presignedUpload('demo', key, { contentLength: 5, temporary: true });
    expect((await fetch(url, { method: 'PUT', body: 'a,b,c,d' })).status).toBe(403);
    expect((await fetch(url, { method: 'PUT', body: 'a,b,c' })).status).toBe(200);
    const tags = await files.s3Client().send(new GetObjectTaggingCommand({ Bucket: files.filesBucket(), Key: key }));
    expect(tags.TagSet).toEqual([{ Key: files.TMP_TAG.key, Value: files.TMP_TAG.value }]);
  });

  it('a download URL offers the file name (RFC 5987) and returns the bytes', async () => {
    const key = files.tenantFileKey('demo', 'exports', 'q1.csv');
    await files.s3Client().send(new PutObjectCommand({ Bucket: files.filesBucket(), Key: key, Body: 'id,name\n1,王\n', ContentType: 'text/csv' }));
    const res = await fetch(await files.presignedDownload('demo', key, { fileName: '报价 Q1.csv' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('报价 Q1.csv')}`);
    expect(await res.text()).toBe('id,name\n1,王\n');
  });
});
