import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseUrl } from '../support/client.ts';

/**
 * S3 on the local runtime's one port, path style, bucket `cirrus-files` (the contract outside tests use):
 * the real SDK client, presigned URLs signed against the runtime's clock, and the runtime's dispatcher
 * routing S3 requests (known bucket, or anything signed for s3) to the emulator.
 */
const BUCKET = 'cirrus-files';
let url: string;
let s3: S3Client;
let presigner: S3Client;
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
/** The runtime's clock (tests elsewhere move it), so a URL signed "now" is valid there. */
const runtimeNow = async () => new Date(((await (await fetch(`${url}/_local/clock`)).json()) as { now: string }).now);
const xmlField = (xml: string, name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];

beforeAll(() => {
  url = baseUrl();
  const config = { region: 'us-east-1', endpoint: url, forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  s3 = new S3Client(config);
  presigner = new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' });
});

describe('S3 on the runtime port', () => {
  it('the files bucket exists at start and takes objects through the SDK', async () => {
    expect((await s3.send(new HeadBucketCommand({ Bucket: BUCKET }))).$metadata.httpStatusCode).toBe(200);
    const key = `demo/it-${unique}/hello.txt`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '你好', ContentType: 'text/plain; charset=utf-8' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(await got.Body!.transformToString()).toBe('你好');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `demo/it-${unique}/` }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual([key]);
  });

  it('a path-style URL is http://<runtime>/cirrus-files/<key>', async () => {
    const key = `demo/it-${unique}/path.txt`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'p' }));
    const signed = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60, signingDate: await runtimeNow() });
    expect(signed.startsWith(`${url}/${BUCKET}/demo/it-${unique}/path.txt?`)).toBe(true);
    expect(await (await fetch(signed)).text()).toBe('p');
  });

  it('multipart upload works through the runtime', async () => {
    const key = `demo/it-${unique}/big.bin`;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const a = Buffer.alloc(5 * 1024 * 1024, 1);
    const b = Buffer.from('tail');
    const p1 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 1, Body: a }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 2, Body: b }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: [{ ETag: p1.ETag, PartNumber: 1 }, { ETag: p2.ETag, PartNumber: 2 }] } }));
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: 'bytes=5242878-5242881' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(Buffer.from([1, 1, 0x74, 0x61]));
  });

  it('a request signed for S3 to an unknown bucket is NoSuchBucket, not the web app', async () => {
    const err = await s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'x' })).catch((e) => e);
    expect(err.name).toBe('NoSuchBucket');
    expect(err.$metadata.httpStatusCode).toBe(404);
  });

  it('anonymous reads are 403 AccessDenied; no S3 answer carries Access-Control-Allow-Origin', async () => {
    const key = `demo/it-${unique}/private.txt`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'secret' }));
    const res = await fetch(`${url}/${BUCKET}/${key}`);
    expect(res.status).toBe(403);
    expect(xmlField(await res.text(), 'Code')).toBe('AccessDenied');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const signed = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60, signingDate: await runtimeNow() });
    const ok = await fetch(signed);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('presigned PUT then GET; an expired or tampered URL is refused as S3 refuses it', async () => {
    const key = `demo/it-${unique}/upload.csv`;
    const now = await runtimeNow();
    const put = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 120, signingDate: now });
    const res = await fetch(put, { method: 'PUT', body: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
    expect(res.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(got.ContentType).toBe('text/csv');
    expect(await got.Body!.transformToString()).toBe('a,b\n1,2\n');

    const expired = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60, signingDate: new Date(now.getTime() - 3600_000) });
    const e = await fetch(expired);
    const xml = await e.text();
    expect([e.status, xmlField(xml, 'Code'), xmlField(xml, 'Message')]).toEqual([403, 'AccessDenied', 'Request has expired']);

    const get = await getSignedUrl(presigner, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 60, signingDate: now });
    const tampered = await fetch(get.replace(`it-${unique}/upload.csv`, `it-${unique}/other.csv`));
    expect([tampered.status, xmlField(await tampered.text(), 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
  });
});
