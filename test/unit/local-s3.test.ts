import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Emulator } from '../../infra/local/s3.ts';

/**
 * The local S3 emulator through the real SDK v3 client over HTTP (as functions use it), and presigned URLs
 * through plain fetch (as a browser uses them). Expected codes, statuses and messages come from the Amazon S3
 * API reference ("Error responses", and the PutObject/GetObject/CompleteMultipartUpload/ListObjectsV2 pages)
 * and the SigV4 query-authentication page; the presigned-checksum trap from aws-sdk-js-v3 #6994 and the
 * reports it links (SDK ≥ 3.729 signs the CRC32 of an empty body into presigned PutObject URLs).
 */
const BUCKET = 'cirrus-files';
const dataDir = mkdtempSync(join(tmpdir(), 'cirrus-s3-'));
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
const options = { dataDir, region: 'us-east-1', credentials: { local: 'local' }, now };
let s3 = new S3Emulator(options);
s3.createBucket(BUCKET);
let server: Server;
let endpoint: string;

const client = (extra: Partial<S3ClientConfig> = {}) =>
  new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, ...extra });
let sdk: S3Client;
/** Presigning as functions/commons/s3.ts does it: no default checksums signed into the URL. */
let presigner: S3Client;

const md5hex = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const errorOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, error: e };
  }
  throw new Error('expected the call to fail');
};
const xmlField = (xml: string, name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (s3.accepts(req, url)) return void s3.handle(req, res, url);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not s3');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://localhost:${(server.address() as { port: number }).port}`;
  sdk = client();
  presigner = client({ requestChecksumCalculation: 'WHEN_REQUIRED' });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('objects', () => {
  it('PutObject → GetObject keeps body, content type, user metadata and answers the MD5 ETag in quotes', async () => {
    const body = 'Hello, 世界';
    const put = await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/notes/hello.txt', Body: body, ContentType: 'text/plain; charset=utf-8', Metadata: { 'uploaded-by': 'rep1' }, ContentDisposition: 'attachment; filename="hello.txt"' }));
    expect(put.ETag).toBe(`"${md5hex(body)}"`);
    expect(put.ServerSideEncryption).toBe('AES256');
    const got = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/notes/hello.txt' }));
    expect(await got.Body!.transformToString()).toBe(body);
    expect(got.ContentType).toBe('text/plain; charset=utf-8');
    expect(got.ContentLength).toBe(Buffer.byteLength(body));
    expect(got.Metadata).toEqual({ 'uploaded-by': 'rep1' });
    expect(got.ContentDisposition).toBe('attachment; filename="hello.txt"');
    expect(got.ETag).toBe(put.ETag);
    expect(got.LastModified).toBeInstanceOf(Date);
  });

  it('without a Content-Type S3 stores binary/octet-stream', async () => {
    const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/raw.bin' }), { expiresIn: 60 });
    expect((await fetch(url, { method: 'PUT', body: new Uint8Array([0, 1, 2, 255]) })).status).toBe(200);
    const head = await sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'demo/raw.bin' }));
    expect(head.ContentType).toBe('binary/octet-stream');
    expect(head.ContentLength).toBe(4);
  });

  it.each(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const)('validates a %s checksum sent by the SDK and returns it for the SDK to validate on GetObject', async (algorithm) => {
    const key = `demo/checksums/${algorithm}.txt`;
    const body = Buffer.from('123456789'.repeat(1000));
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ChecksumAlgorithm: algorithm }));
    const got = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, ChecksumMode: 'ENABLED' }));
    const field = `Checksum${algorithm}` as 'ChecksumCRC32';
    expect(got[field]).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('known check values: CRC32C("123456789") = e3069283, CRC64NVME("123456789") = ae8b14860a799888', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/checksums/vector-c', Body: '123456789', ChecksumCRC32C: Buffer.from('e3069283', 'hex').toString('base64') }));
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/checksums/vector-64', Body: '123456789', ChecksumCRC64NVME: Buffer.from('ae8b14860a799888', 'hex').toString('base64') }));
    const head = await sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'demo/checksums/vector-64', ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(head.ChecksumCRC64NVME!, 'base64').toString('hex')).toBe('ae8b14860a799888');
  });

  it('a wrong checksum or Content-MD5 is BadDigest (400) and stores nothing', async () => {
    const wrongCrc = await errorOf(sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/bad', Body: 'data', ChecksumCRC32: 'AAAAAA==' })));
    expect(wrongCrc).toMatchObject({ name: 'BadDigest', status: 400, message: 'The CRC32 you specified did not match the calculated checksum.' });
    const wrongMd5 = await errorOf(sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/bad', Body: 'data', ContentMD5: createHash('md5').update('other').digest('base64') })));
    expect(wrongMd5).toMatchObject({ name: 'BadDigest', status: 400 });
    const invalidMd5 = await errorOf(sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/bad', Body: 'data', ContentMD5: 'abc' })));
    expect(invalidMd5).toMatchObject({ name: 'InvalidDigest', status: 400 });
    expect((await errorOf(sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'demo/bad' })))).status).toBe(404);
  });

  it('a streamed body of known length (aws-chunked with a trailing checksum when the SDK chooses it) arrives intact', async () => {
    const data = Buffer.alloc(200_000, 7);
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/stream.bin', Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length }));
    const got = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/stream.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('GetObject with Range answers 206 with Content-Range; an unsatisfiable range is 416 InvalidRange', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/range.txt', Body: '0123456789' }));
    const mid = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/range.txt', Range: 'bytes=2-5' }));
    expect(mid.$metadata.httpStatusCode).toBe(206);
    expect(mid.ContentRange).toBe('bytes 2-5/10');
    expect(await mid.Body!.transformToString()).toBe('2345');
    const tail = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/range.txt', Range: 'bytes=-3' }));
    expect(await tail.Body!.transformToString()).toBe('789');
    const open = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/range.txt', Range: 'bytes=7-' }));
    expect(await open.Body!.transformToString()).toBe('789');
    const beyond = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/range.txt', Range: 'bytes=5-100' }));
    expect(beyond.ContentRange).toBe('bytes 5-9/10');
    const bad = await errorOf(sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/range.txt', Range: 'bytes=10-' })));
    expect(bad).toMatchObject({ name: 'InvalidRange', status: 416 });
  });

  it('HeadObject answers size, ETag and metadata without a body; a missing key is 404 NotFound', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/head.txt', Body: 'abc', Metadata: { a: '1' } }));
    const head = await sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'demo/head.txt' }));
    expect(head).toMatchObject({ ContentLength: 3, ETag: `"${md5hex('abc')}"`, Metadata: { a: '1' }, AcceptRanges: 'bytes' });
    expect(await errorOf(sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'demo/none' })))).toMatchObject({ name: 'NotFound', status: 404 });
  });

  it('a missing key is NoSuchKey and a missing bucket NoSuchBucket, in S3\'s XML error shape', async () => {
    expect(await errorOf(sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/none' })))).toMatchObject({ name: 'NoSuchKey', status: 404, message: 'The specified key does not exist.' });
    expect(await errorOf(sdk.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' })))).toMatchObject({ name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' });
    const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/none' }), { expiresIn: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/xml');
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message>/);
    expect(xmlField(xml, 'Key')).toBe('demo/none');
    expect(xmlField(xml, 'RequestId')).toBe(res.headers.get('x-amz-request-id'));
  });

  it('HeadBucket finds the bucket; DeleteObject answers 204 whether or not the key exists', async () => {
    expect((await sdk.send(new HeadBucketCommand({ Bucket: BUCKET }))).$metadata.httpStatusCode).toBe(200);
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/gone.txt', Body: 'x' }));
    expect((await sdk.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'demo/gone.txt' }))).$metadata.httpStatusCode).toBe(204);
    expect((await errorOf(sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/gone.txt' })))).name).toBe('NoSuchKey');
    expect((await sdk.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'demo/gone.txt' }))).$metadata.httpStatusCode).toBe(204);
  });

  it('DeleteObjects removes several keys', async () => {
    for (const k of ['demo/many/1', 'demo/many/2']) await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: k }));
    const out = await sdk.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'demo/many/1' }, { Key: 'demo/many/2' }] } }));
    expect(out.Deleted?.map((d) => d.Key).sort()).toEqual(['demo/many/1', 'demo/many/2']);
    expect((await sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'demo/many/' }))).KeyCount).toBe(0);
  });

  it('conditional requests: If-None-Match: * refuses to overwrite (412), If-None-Match on GET answers 304, If-Match mismatch 412', async () => {
    const put = await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/cond.txt', Body: 'v1', IfNoneMatch: '*' }));
    expect(await errorOf(sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/cond.txt', Body: 'v2', IfNoneMatch: '*' })))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    expect((await errorOf(sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/cond.txt', IfNoneMatch: put.ETag })))).status).toBe(304);
    expect(await errorOf(sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/cond.txt', IfMatch: '"0000"' })))).toMatchObject({ name: 'PreconditionFailed', status: 412 });
    const got = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/cond.txt', IfMatch: put.ETag }));
    expect(await got.Body!.transformToString()).toBe('v1');
  });

  it('keys longer than 1024 bytes are KeyTooLongError; user metadata over 2 KB is MetadataTooLarge', async () => {
    expect(await errorOf(sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: `demo/${'k'.repeat(1100)}`, Body: 'x' })))).toMatchObject({ name: 'KeyTooLongError', status: 400 });
    expect(await errorOf(sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/meta', Body: 'x', Metadata: { big: 'v'.repeat(2100) } })))).toMatchObject({ name: 'MetadataTooLarge', status: 400 });
  });

  it('tags sent with PutObject are kept (x-amz-tagging-count, GetObjectTagging)', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/tmp-export.csv', Body: 'a,b', Tagging: 'cirrus-lifecycle=tmp' }));
    expect((await sdk.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'demo/tmp-export.csv' }))).TagSet).toEqual([{ Key: 'cirrus-lifecycle', Value: 'tmp' }]);
    expect((await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/tmp-export.csv' }))).TagCount).toBe(1);
  });
});

describe('ListObjectsV2', () => {
  const keys = ['list/a.txt', 'list/b/1.txt', 'list/b/2.txt', 'list/c/1.txt', 'list/d.txt', 'list/e/x/y.txt', 'list/é.txt', 'list/z.txt'];
  beforeAll(async () => {
    for (const k of keys) await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: k }));
  });

  it('lists a prefix in UTF-8 binary order with sizes and ETags', async () => {
    const out = await sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/' }));
    expect(out.Contents?.map((c) => c.Key)).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(out.KeyCount).toBe(keys.length);
    expect(out.IsTruncated).toBe(false);
    expect(out.Contents?.[0]).toMatchObject({ Key: 'list/a.txt', Size: 10, ETag: `"${md5hex('list/a.txt')}"`, StorageClass: 'STANDARD' });
  });

  it('a delimiter rolls keys up into CommonPrefixes, counted in KeyCount', async () => {
    const out = await sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/' }));
    expect(out.Contents?.map((c) => c.Key)).toEqual(['list/a.txt', 'list/d.txt', 'list/z.txt', 'list/é.txt']);
    expect(out.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/b/', 'list/c/', 'list/e/']);
    expect(out.KeyCount).toBe(7);
    expect(out.Delimiter).toBe('/');
  });

  it.each([1, 2, 3])('pages with MaxKeys=%i and continuation tokens: every entry once, in order (with and without delimiter)', async (max) => {
    for (const delimiter of [undefined, '/']) {
      const all = await sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: delimiter }));
      const expected = [...(all.Contents ?? []).map((c) => c.Key), ...(all.CommonPrefixes ?? []).map((p) => p.Prefix)].sort();
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: delimiter, MaxKeys: max, ContinuationToken: token }));
        expect(page.KeyCount).toBeLessThanOrEqual(max);
        expect(page.MaxKeys).toBe(max);
        seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (page.IsTruncated) expect(token).toBeTruthy();
        pages++;
      } while (token);
      expect(seen.sort()).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / max));
    }
  });

  it('StartAfter skips keys up to and including it', async () => {
    const out = await sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', StartAfter: 'list/c/1.txt' }));
    expect(out.Contents?.[0]?.Key).toBe('list/d.txt');
  });

  it('a forged continuation token is InvalidArgument (400)', async () => {
    expect(await errorOf(sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: 'not-a-token' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
  });
});

describe('multipart upload', () => {
  const MiB = 1024 * 1024;
  const part = (n: number, size: number) => Buffer.alloc(size, n);

  it('Create → UploadPart ×3 → ListParts → Complete gives the object and S3\'s "<md5 of part md5s>-N" ETag', async () => {
    const key = 'demo/imports/big.bin';
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ContentType: 'application/octet-stream', Metadata: { source: 'import' } }));
    expect(UploadId).toBeTruthy();
    const bodies = [part(1, 5 * MiB), part(2, 5 * MiB), part(3, 1024)];
    const etags: string[] = [];
    for (const [i, b] of bodies.entries()) {
      const out = await sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: b }));
      expect(out.ETag).toBe(`"${md5hex(b)}"`);
      etags.push(out.ETag!);
    }
    const listed = await sdk.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual(bodies.map((b, i) => [i + 1, b.length, etags[i]]));
    const done = await sdk.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
    const expectedEtag = `"${createHash('md5').update(Buffer.concat(bodies.map((b) => createHash('md5').update(b).digest()))).digest('hex')}-3"`;
    expect(done.ETag).toBe(expectedEtag);
    expect(done.Key).toBe(key);
    const got = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(got.ETag).toBe(expectedEtag);
    expect(got.Metadata).toEqual({ source: 'import' });
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(bodies))).toBe(true);
    // The upload is gone once completed.
    expect(await errorOf(sdk.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId })))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });

  it('a part other than the last under 5 MiB is EntityTooSmall; a single small part is fine', async () => {
    const key = 'demo/imports/small.bin';
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const a = await sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: part(1, 1024) }));
    const b = await sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: part(2, 1024) }));
    const tooSmall = await errorOf(sdk.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ ETag: a.ETag, PartNumber: 1 }, { ETag: b.ETag, PartNumber: 2 }] } })));
    expect(tooSmall).toMatchObject({ name: 'EntityTooSmall', status: 400, message: 'Your proposed upload is smaller than the minimum allowed object size.' });
    const one = await sdk.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ ETag: a.ETag, PartNumber: 1 }] } }));
    expect(one.ETag).toMatch(/-1"$/);
    expect((await sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ContentLength).toBe(1024);
  });

  it('a wrong ETag or missing part is InvalidPart, parts out of order InvalidPartOrder', async () => {
    const key = 'demo/imports/wrong.bin';
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const a = await sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: part(1, 5 * MiB) }));
    const b = await sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: part(2, 10) }));
    const complete = (Parts: { ETag?: string; PartNumber: number }[]) => errorOf(sdk.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts } })));
    expect(await complete([{ ETag: '"00000000000000000000000000000000"', PartNumber: 1 }, { ETag: b.ETag, PartNumber: 2 }])).toMatchObject({ name: 'InvalidPart', status: 400 });
    expect(await complete([{ ETag: a.ETag, PartNumber: 1 }, { ETag: b.ETag, PartNumber: 3 }])).toMatchObject({ name: 'InvalidPart', status: 400 });
    expect(await complete([{ ETag: b.ETag, PartNumber: 2 }, { ETag: a.ETag, PartNumber: 1 }])).toMatchObject({ name: 'InvalidPartOrder', status: 400 });
    await sdk.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
  });

  it('an unknown or aborted upload is NoSuchUpload (404); part numbers outside 1–10000 are InvalidArgument', async () => {
    const key = 'demo/imports/aborted.bin';
    expect(await errorOf(sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: 'nope', PartNumber: 1, Body: 'x' })))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    expect(await errorOf(sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 10_001, Body: 'x' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
    const a = await sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: 'x' }));
    expect((await sdk.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }))).$metadata.httpStatusCode).toBe(204);
    expect(await errorOf(sdk.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ ETag: a.ETag, PartNumber: 1 }] } })))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
    expect(await errorOf(sdk.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId })))).toMatchObject({ name: 'NoSuchUpload', status: 404 });
    // The upload id belongs to its key.
    const other = await sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    expect(await errorOf(sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'demo/other', UploadId: other.UploadId, PartNumber: 1, Body: 'x' })))).toMatchObject({ name: 'NoSuchUpload' });
  });
});

describe('presigned URLs (query-string SigV4)', () => {
  it('a presigned PUT takes a body from fetch (content type and signed metadata kept); a presigned GET returns it', async () => {
    const key = 'demo/attachments/photo 1 (é).png';
    const put = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: BUCKET, Key: key, Metadata: { 'record-id': 'c-1' } }), { expiresIn: 300 });
    expect(put).toContain('X-Amz-Signature=');
    expect(put).not.toContain('x-amz-checksum-crc32');
    const bytes = Buffer.from([137, 80, 78, 71, 1, 2, 3]);
    const res = await fetch(put, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${md5hex(bytes)}"`);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const head = await sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head).toMatchObject({ ContentType: 'image/png', ContentLength: bytes.length, Metadata: { 'record-id': 'c-1' } });

    const get = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: key, ResponseContentDisposition: 'attachment; filename="photo.png"' }), { expiresIn: 300 });
    const down = await fetch(get);
    expect(down.status).toBe(200);
    expect(down.headers.get('content-disposition')).toBe('attachment; filename="photo.png"');
    expect(Buffer.from(await down.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('an expired URL is 403 AccessDenied "Request has expired"', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/exp.txt', Body: 'x' }));
    const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/exp.txt' }), { expiresIn: 60 });
    expect((await fetch(url)).status).toBe(200);
    offsetMs = 61_000;
    try {
      const res = await fetch(url);
      expect(res.status).toBe(403);
      const xml = await res.text();
      expect(xmlField(xml, 'Code')).toBe('AccessDenied');
      expect(xmlField(xml, 'Message')).toBe('Request has expired');
      expect(xmlField(xml, 'X-Amz-Expires')).toBe('60');
    } finally {
      offsetMs = 0;
    }
  });

  it('a tampered URL (other key, longer expiry, other method, wrong secret) is 403 SignatureDoesNotMatch', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/mine.txt', Body: 'mine' }));
    await sdk.send(new PutObjectCommand({ Bucket: 'cirrus-files', Key: 'acme/theirs.txt', Body: 'theirs' }));
    const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/mine.txt' }), { expiresIn: 60 });
    const code = async (u: string, init?: RequestInit) => {
      const res = await fetch(u, init);
      return [res.status, xmlField(await res.text(), 'Code')];
    };
    expect(await code(url.replace('demo/mine.txt', 'acme/theirs.txt'))).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await code(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=6000'))).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await code(url, { method: 'DELETE' })).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await code(url.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'))).toEqual([403, 'SignatureDoesNotMatch']);
    const forged = await getSignedUrl(client({ credentials: { accessKeyId: 'local', secretAccessKey: 'guess' }, requestChecksumCalculation: 'WHEN_REQUIRED' }), new GetObjectCommand({ Bucket: BUCKET, Key: 'acme/theirs.txt' }), { expiresIn: 60 });
    expect(await code(forged)).toEqual([403, 'SignatureDoesNotMatch']);
    const unknownKey = await getSignedUrl(client({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }), new GetObjectCommand({ Bucket: BUCKET, Key: 'acme/theirs.txt' }), { expiresIn: 60 });
    expect(await code(unknownKey)).toEqual([403, 'InvalidAccessKeyId']);
    // The object was not touched by the DELETE attempt.
    expect((await sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'demo/mine.txt' }))).ContentLength).toBe(4);
  });

  it('a URL missing a SigV4 parameter or from another region is 400 AuthorizationQueryParametersError', async () => {
    const url = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/mine.txt' }), { expiresIn: 60 });
    const res = await fetch(url.replace(/&X-Amz-Date=[^&]+/, ''));
    expect([res.status, xmlField(await res.text(), 'Code')]).toEqual([400, 'AuthorizationQueryParametersError']);
    const other = await getSignedUrl(client({ region: 'eu-west-1', requestChecksumCalculation: 'WHEN_REQUIRED' }), new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/mine.txt' }), { expiresIn: 60 });
    const res2 = await fetch(other);
    expect([res2.status, xmlField(await res2.text(), 'Code')]).toEqual([400, 'AuthorizationQueryParametersError']);
  });

  it('with the SDK\'s default checksums the presigned PUT carries the CRC32 of an empty body, and a real upload through it is BadDigest (as on AWS)', async () => {
    const url = await getSignedUrl(sdk, new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/trap.txt' }), { expiresIn: 60 });
    expect(url).toContain('x-amz-checksum-crc32=AAAAAA%3D%3D');
    const res = await fetch(url, { method: 'PUT', body: 'not empty' });
    expect(res.status).toBe(400);
    expect(xmlField(await res.text(), 'Code')).toBe('BadDigest');
  });

  it('anonymous requests are 403 AccessDenied (the bucket is private), and nothing answers Access-Control-Allow-Origin', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/private.txt', Body: 'secret' }));
    const res = await fetch(`${endpoint}/${BUCKET}/demo/private.txt`, { headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(xmlField(await res.text(), 'Code')).toBe('AccessDenied');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${endpoint}/${BUCKET}/demo/private.txt`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'PUT' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const put = await fetch(`${endpoint}/${BUCKET}/demo/private.txt`, { method: 'PUT', body: 'overwritten' });
    expect(put.status).toBe(403);
    expect(await (await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/private.txt' }))).Body!.transformToString()).toBe('secret');
  });
});

describe('persistence', () => {
  it('objects and unfinished multipart uploads survive a restart of the emulator on the same data dir', async () => {
    await sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'demo/persist.txt', Body: 'kept', Metadata: { m: '1' } }));
    const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'demo/persist-mp.bin' }));
    const p1 = await sdk.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'demo/persist-mp.bin', UploadId, PartNumber: 1, Body: 'part one' }));
    s3 = new S3Emulator(options); // the server now dispatches to a fresh instance reading the same directory
    expect(s3.bucketNames()).toEqual([BUCKET]);
    const got = await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/persist.txt' }));
    expect(await got.Body!.transformToString()).toBe('kept');
    expect(got.Metadata).toEqual({ m: '1' });
    const done = await sdk.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'demo/persist-mp.bin', UploadId, MultipartUpload: { Parts: [{ ETag: p1.ETag, PartNumber: 1 }] } }));
    expect(done.ETag).toMatch(/-1"$/);
    expect(await (await sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'demo/persist-mp.bin' }))).Body!.transformToString()).toBe('part one');
  });
});
