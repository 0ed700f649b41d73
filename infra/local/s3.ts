import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * S3 emulator (REST-XML, path style: `http://localhost:PORT/<bucket>/<key>`) on the runtime's one port.
 *
 * Objects, multipart upload, ListObjectsV2, conditional requests and ranges answer as Amazon S3 does, with
 * S3's XML error shape and status codes (error codes and messages from the S3 API reference "Error responses"
 * page). Presigned URLs (query-string SigV4) are verified: signature, credential scope and expiry, so a URL
 * that would be refused by S3 is refused here. Header-signed SDK requests are accepted without checking the
 * signature, as the other local emulators do; anonymous requests are refused (the bucket is private).
 * Objects persist under `<dataDir>/s3/<bucket>/` and survive restarts.
 *
 * Not emulated: versioning (no version ids), lifecycle expiry, bucket policies/CORS/ACLs, SSE-KMS, CopyObject,
 * composite checksums of multipart objects, virtual-hosted-style addressing.
 */

export const LOCAL_FILES_BUCKET = 'cirrus-files';

const MiB = 1024 * 1024;
const MIN_PART_SIZE = 5 * MiB;
const MAX_OBJECT_SIZE = 5 * 1024 * MiB;
const MAX_PRESIGN_EXPIRES = 604_800;
const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, string | number> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const noSuchKey = (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
const noSuchUpload = (id: string) => new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, { UploadId: id });
const notImplemented = (what: string) => new S3Error('NotImplemented', `A header or query you provided implies functionality that is not implemented (the local S3 emulator does not support ${what}).`, 501);
const authQueryError = (message: string) => new S3Error('AuthorizationQueryParametersError', message, 400);

// ---------------------------------------------------------------------------------------------- checksums

type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256';
const ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];
const ALGORITHM_NAMES: Record<ChecksumAlgorithm, string> = { crc32: 'CRC32', crc32c: 'CRC32C', crc64nvme: 'CRC64NVME', sha1: 'SHA1', sha256: 'SHA256' };

function crcTable32(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const CRC32C_TABLE = crcTable32(0x82f63b78);
// CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5), table split into 32-bit halves to avoid BigInt per byte.
const CRC64_HI = new Uint32Array(256);
const CRC64_LO = new Uint32Array(256);
{
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let n = 0; n < 256; n++) {
    let c = BigInt(n);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    CRC64_HI[n] = Number(c >> 32n);
    CRC64_LO[n] = Number(c & 0xffffffffn);
  }
}

/** Incremental digests of one body: MD5 always (the ETag), plus the flexible checksums asked for. */
class Digests {
  private readonly md5 = createHash('md5');
  private readonly sha: Partial<Record<'sha1' | 'sha256', Hash>> = {};
  private c32 = 0;
  private c32c = 0xffffffff;
  private c64hi = 0xffffffff;
  private c64lo = 0xffffffff;
  size = 0;

  constructor(private readonly algorithms: ReadonlySet<ChecksumAlgorithm>) {
    if (algorithms.has('sha1')) this.sha.sha1 = createHash('sha1');
    if (algorithms.has('sha256')) this.sha.sha256 = createHash('sha256');
  }

  update(chunk: Buffer): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    this.sha.sha1?.update(chunk);
    this.sha.sha256?.update(chunk);
    if (this.algorithms.has('crc32')) this.c32 = zlibCrc32(chunk, this.c32);
    if (this.algorithms.has('crc32c')) {
      let c = this.c32c;
      for (let i = 0; i < chunk.length; i++) c = CRC32C_TABLE[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8);
      this.c32c = c >>> 0;
    }
    if (this.algorithms.has('crc64nvme')) {
      let hi = this.c64hi;
      let lo = this.c64lo;
      for (let i = 0; i < chunk.length; i++) {
        const idx = (lo ^ chunk[i]!) & 0xff;
        lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ CRC64_LO[idx]!;
        hi = (hi >>> 8) ^ CRC64_HI[idx]!;
      }
      this.c64hi = hi >>> 0;
      this.c64lo = lo >>> 0;
    }
  }

  result(): { md5: Buffer; checksums: Partial<Record<ChecksumAlgorithm, string>> } {
    const out: Partial<Record<ChecksumAlgorithm, string>> = {};
    const u32 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v >>> 0);
      return b.toString('base64');
    };
    if (this.algorithms.has('crc32')) out.crc32 = u32(this.c32);
    if (this.algorithms.has('crc32c')) out.crc32c = u32(~this.c32c);
    if (this.algorithms.has('crc64nvme')) {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(~this.c64hi >>> 0, 0);
      b.writeUInt32BE(~this.c64lo >>> 0, 4);
      out.crc64nvme = b.toString('base64');
    }
    if (this.sha.sha1) out.sha1 = this.sha.sha1.digest('base64');
    if (this.sha.sha256) out.sha256 = this.sha.sha256.digest('base64');
    return { md5: this.md5.digest(), checksums: out };
  }
}

// ---------------------------------------------------------------------------------------------- SigV4

/** RFC 3986 encoding as SigV4 wants it (everything but A-Z a-z 0-9 - _ . ~). */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
}

/** Query parameters in order, decoded without turning '+' into a space (SigV4 and S3 do not). */
function parseQuery(raw: string): [string, string][] {
  if (!raw) return [];
  return raw.split('&').filter(Boolean).map((pair) => {
    const i = pair.indexOf('=');
    return i < 0 ? [safeDecode(pair), ''] : [safeDecode(pair.slice(0, i)), safeDecode(pair.slice(i + 1))];
  });
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

function headerValues(req: IncomingMessage, name: string): string | undefined {
  const values: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === name) values.push(req.rawHeaders[i + 1]!.trim().replace(/\s+/g, ' '));
  }
  return values.length ? values.join(',') : undefined;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

interface PresignCheck {
  /** Lower-cased x-amz-* query parameters (S3 reads hoisted headers such as x-amz-meta-* from the query). */
  hoisted: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------- storage

interface ObjectMeta {
  key: string;
  size: number;
  etag: string;
  lastModified: number;
  contentType: string;
  /** content-disposition, content-encoding, content-language, cache-control, expires */
  headers: Record<string, string>;
  metadata: Record<string, string>;
  tags: [string, string][];
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  storageClass: string;
  data: string;
  parts?: number;
}

interface PartMeta {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: number;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  data: string;
}

interface UploadMeta {
  uploadId: string;
  key: string;
  initiated: number;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  tags: [string, string][];
  storageClass: string;
  checksumAlgorithm?: ChecksumAlgorithm;
  parts: Record<string, PartMeta>;
}

class Bucket {
  readonly objects = new Map<string, ObjectMeta>();
  readonly uploads = new Map<string, UploadMeta>();
  readonly objectsDir: string;
  readonly uploadsDir: string;

  constructor(readonly name: string, readonly dir: string, readonly created: number) {
    this.objectsDir = join(dir, 'objects');
    this.uploadsDir = join(dir, 'uploads');
    mkdirSync(this.objectsDir, { recursive: true });
    mkdirSync(this.uploadsDir, { recursive: true });
    for (const f of readdirSync(this.objectsDir)) {
      if (f.endsWith('.json')) {
        try {
          const meta = JSON.parse(readFileSync(join(this.objectsDir, f), 'utf8')) as ObjectMeta;
          if (existsSync(join(this.objectsDir, meta.data))) this.objects.set(meta.key, meta);
        } catch {
          /* a half-written file from a crash: the object was never acknowledged */
        }
      } else if (f.includes('.tmp-')) rmSync(join(this.objectsDir, f), { force: true });
    }
    for (const id of readdirSync(this.uploadsDir)) {
      try {
        this.uploads.set(id, JSON.parse(readFileSync(join(this.uploadsDir, id, 'upload.json'), 'utf8')) as UploadMeta);
      } catch {
        /* ignore */
      }
    }
  }

  private metaFile(key: string): string {
    return join(this.objectsDir, `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`);
  }

  /** Makes `meta` (whose data file is already in objectsDir) the current object; removes the replaced data. */
  commit(meta: ObjectMeta): void {
    const previous = this.objects.get(meta.key);
    writeAtomic(this.metaFile(meta.key), JSON.stringify(meta));
    this.objects.set(meta.key, meta);
    if (previous && previous.data !== meta.data) rmSync(join(this.objectsDir, previous.data), { force: true });
  }

  remove(key: string): void {
    const previous = this.objects.get(key);
    if (!previous) return;
    this.objects.delete(key);
    rmSync(this.metaFile(key), { force: true });
    rmSync(join(this.objectsDir, previous.data), { force: true });
  }

  saveUpload(u: UploadMeta): void {
    mkdirSync(join(this.uploadsDir, u.uploadId), { recursive: true });
    writeAtomic(join(this.uploadsDir, u.uploadId, 'upload.json'), JSON.stringify(u));
  }

  dropUpload(id: string): void {
    this.uploads.delete(id);
    rmSync(join(this.uploadsDir, id), { recursive: true, force: true });
  }
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

// ---------------------------------------------------------------------------------------------- XML

const xmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
const xmlUnescape = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });

type XmlValue = string | number | boolean | undefined | XmlValue[] | { [k: string]: XmlValue };
function xml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => xml(name, v)).join('');
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => xml(k, v)).join('')}</${name}>`;
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}
const xmlDocument = (root: string, body: Record<string, XmlValue>) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${XMLNS}">${Object.entries(body).map(([k, v]) => xml(k, v)).join('')}</${root}>`;

const malformedXml = () => new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
function xmlElements(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1]!);
}
const xmlText = (text: string, name: string) => {
  const [v] = xmlElements(text, name);
  return v === undefined ? undefined : xmlUnescape(v.trim());
};

// ---------------------------------------------------------------------------------------------- the emulator

export interface S3EmulatorOptions {
  dataDir: string;
  region: string;
  /** Access key id → secret access key, for verifying presigned URLs. */
  credentials: Record<string, string>;
  /** The runtime clock (default Date.now, which the local runtime's movable clock replaces). */
  now?: () => number;
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  bucket: string;
  key: string;
  query: Map<string, string>;
  /** Lower-cased request headers, with x-amz-* query parameters of a presigned URL merged in. */
  h: Record<string, string | undefined>;
  signed: boolean;
  requestId: string;
}

const STORED_HEADERS = ['content-disposition', 'content-encoding', 'content-language', 'cache-control', 'expires'] as const;
const OBJECT_SUBRESOURCES = ['acl', 'tagging', 'retention', 'legal-hold', 'torrent', 'restore', 'select', 'attributes', 'versionId'];
const BUCKET_SUBRESOURCES = ['acl', 'cors', 'policy', 'lifecycle', 'versioning', 'versions', 'website', 'logging', 'notification', 'tagging', 'encryption', 'replication', 'uploads', 'object-lock', 'ownershipControls', 'publicAccessBlock', 'accelerate', 'requestPayment', 'analytics', 'inventory', 'metrics', 'intelligent-tiering'];

export class S3Emulator {
  private readonly root: string;
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: S3EmulatorOptions) {
    this.root = join(options.dataDir, 's3');
    this.now = options.now ?? (() => Date.now());
    mkdirSync(this.root, { recursive: true });
    for (const name of readdirSync(this.root)) {
      const file = join(this.root, name, 'bucket.json');
      if (existsSync(file)) {
        const { created } = JSON.parse(readFileSync(file, 'utf8')) as { created: number };
        this.buckets.set(name, new Bucket(name, join(this.root, name), created));
      }
    }
  }

  /** Creates a bucket if it does not exist (the runtime creates the files bucket at start). */
  createBucket(name: string): void {
    if (this.buckets.has(name)) return;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..')) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    const created = this.now();
    writeAtomic(join(dir, 'bucket.json'), JSON.stringify({ created }));
    this.buckets.set(name, new Bucket(name, dir, created));
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()];
  }

  /**
   * Whether a request is for S3: its path starts with a bucket this emulator holds, or it is signed for the
   * `s3` service (so a request to an unknown bucket gets S3's NoSuchBucket rather than the SPA).
   */
  accepts(req: IncomingMessage, url: URL): boolean {
    const first = url.pathname.split('/')[1] ?? '';
    if (first && this.buckets.has(first)) return true;
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('AWS4-HMAC-SHA256 ') && auth.includes('/s3/aws4_request')) return true;
    return (url.searchParams.get('X-Amz-Credential') ?? '').endsWith('/s3/aws4_request');
  }

  async handle(req: IncomingMessage, res: ServerResponse, _url?: URL): Promise<void> {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    let bucketName = '';
    let key = '';
    try {
      const slash = rawPath.indexOf('/', 1);
      bucketName = safeDecode(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
      key = slash < 0 ? '' : safeDecode(rawPath.slice(slash + 1));
      const pairs = parseQuery(rawQuery);
      const query = new Map(pairs);
      const h: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) h[k] = Array.isArray(v) ? v.join(',') : v;
      const ctx: Ctx = { req, res, method, bucket: bucketName, key, query, h, signed: false, requestId };

      if (method === 'OPTIONS') {
        // A CORS preflight: the local bucket has no CORS configuration (the SPA is same-origin), as S3 answers.
        throw new S3Error('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', 403, { Method: String(req.headers['access-control-request-method'] ?? ''), ResourceType: key ? 'OBJECT' : 'BUCKET' });
      }
      if (query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature') || query.has('X-Amz-Credential')) {
        const { hoisted } = this.verifyPresigned(req, method, rawPath, pairs);
        for (const [k, v] of Object.entries(hoisted)) h[k] ??= v;
        ctx.signed = true;
      } else if (typeof req.headers.authorization === 'string' && req.headers.authorization.startsWith('AWS4-HMAC-SHA256 ')) {
        ctx.signed = true; // header signatures are not checked locally (docs/local-runtime.md)
      } else {
        throw new S3Error('AccessDenied', 'Access Denied', 403);
      }

      if (!bucketName) throw notImplemented('ListBuckets');
      const bucket = this.buckets.get(bucketName);
      if (!bucket) {
        if (method === 'PUT' && !key && query.size === 0) {
          this.createBucket(bucketName);
          return this.send(ctx, 200, undefined, { location: `/${bucketName}` });
        }
        throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucketName });
      }
      if (!key) return await this.bucketOperation(ctx, bucket);
      return await this.objectOperation(ctx, bucket);
    } catch (error) {
      if (!res.headersSent && !(error instanceof S3Error)) console.error('[local] s3 failed:', error);
      if (res.headersSent) return void res.destroy();
      // Drain what the client is still sending so it can read the error.
      req.resume();
      const e = error instanceof S3Error ? error : new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500);
      const body = method === 'HEAD' ? '' : xmlErrorBody(e, { bucket: bucketName, key, requestId, resource: rawPath });
      res.writeHead(e.status, {
        'x-amz-request-id': requestId,
        'x-amz-id-2': hostId(requestId),
        ...(body ? { 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) } : {}),
        ...e.headers,
      });
      res.end(body);
    }
  }

  // ------------------------------------------------------------------------------------------ presigned URLs

  /** Query-string SigV4 as S3 verifies it (AWS docs: "Authenticating Requests: Using Query Parameters"). */
  private verifyPresigned(req: IncomingMessage, method: string, rawPath: string, pairs: [string, string][]): PresignCheck {
    const p = new Map(pairs);
    const algorithm = p.get('X-Amz-Algorithm');
    const credential = p.get('X-Amz-Credential');
    const amzDate = p.get('X-Amz-Date');
    const expires = p.get('X-Amz-Expires');
    const signedHeaders = p.get('X-Amz-SignedHeaders');
    const signature = p.get('X-Amz-Signature');
    if (!algorithm || !credential || !amzDate || !expires || !signedHeaders || !signature) {
      throw authQueryError('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    }
    if (algorithm !== 'AWS4-HMAC-SHA256') throw authQueryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    const scope = credential.split('/');
    if (scope.length !== 5 || scope[4] !== 'aws4_request') {
      throw authQueryError(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
    }
    const [accessKeyId, scopeDate, region, service] = scope as [string, string, string, string, string];
    if (region !== this.options.region) throw authQueryError(`Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${this.options.region}'`);
    if (service !== 's3') throw authQueryError(`Error parsing the X-Amz-Credential parameter; incorrect service "${service}". This endpoint belongs to "s3".`);
    const d = AMZ_DATE.exec(amzDate);
    if (!d) throw authQueryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
    if (!/^\d+$/.test(expires)) throw authQueryError('X-Amz-Expires should be a number');
    const expiresSeconds = Number(expires);
    if (expiresSeconds > MAX_PRESIGN_EXPIRES) throw authQueryError(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_EXPIRES}`);
    if (scopeDate !== amzDate.slice(0, 8)) throw authQueryError(`Error parsing the X-Amz-Credential parameter; incorrect date format "${scopeDate}". This date in the credential must be in the format "yyyyMMdd".`);
    const secret = this.options.credentials[accessKeyId];
    if (secret === undefined) throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403, { AWSAccessKeyId: accessKeyId });

    const signedAt = Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +d[4]!, +d[5]!, +d[6]!);
    const now = this.now();
    if (now > signedAt + expiresSeconds * 1000) {
      throw new S3Error('AccessDenied', 'Request has expired', 403, {
        'X-Amz-Expires': expiresSeconds,
        Expires: new Date(signedAt + expiresSeconds * 1000).toISOString(),
        ServerTime: new Date(now).toISOString(),
      });
    }

    const canonicalUri = rawPath.split('/').map((seg) => uriEncode(safeDecode(seg))).join('/');
    const canonicalQuery = pairs
      .filter(([k]) => k !== 'X-Amz-Signature')
      .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const names = signedHeaders.split(';');
    if (!names.includes('host')) throw authQueryError('Query-string authentication requires the host header to be signed.');
    const canonicalHeaders = names.map((n) => `${n}:${headerValues(req, n) ?? ''}\n`).join('');
    const payloadHash = p.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
    const canonicalRequest = [method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
    const credentialScope = `${scopeDate}/${region}/${service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256hex(canonicalRequest)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, scopeDate), region), service), 'aws4_request');
    const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
    const ok = expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
    if (!ok) {
      throw new S3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403, {
        AWSAccessKeyId: accessKeyId,
        StringToSign: stringToSign,
        SignatureProvided: signature,
        CanonicalRequest: canonicalRequest,
      });
    }
    // Headers hoisted into the query (x-amz-meta-*, x-amz-tagging, x-amz-checksum-*, ...) count as headers.
    const hoisted: Record<string, string> = {};
    for (const [k, v] of pairs) {
      const lower = k.toLowerCase();
      if (lower.startsWith('x-amz-') && !['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature', 'x-amz-content-sha256', 'x-amz-security-token'].includes(lower)) hoisted[lower] = v;
    }
    return { hoisted };
  }

  // ------------------------------------------------------------------------------------------ bucket operations

  private async bucketOperation(ctx: Ctx, bucket: Bucket): Promise<void> {
    const { method, query } = ctx;
    if (method === 'HEAD') return this.send(ctx, 200, undefined, { 'x-amz-bucket-region': this.options.region });
    if (method === 'GET' && query.has('location')) {
      return this.send(ctx, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${XMLNS}">${this.options.region === 'us-east-1' ? '' : this.options.region}</LocationConstraint>`);
    }
    if (method === 'PUT' && query.size === 0) {
      throw new S3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: bucket.name });
    }
    if (method === 'POST' && query.has('delete')) return this.deleteObjects(ctx, bucket);
    for (const sub of BUCKET_SUBRESOURCES) if (query.has(sub)) throw notImplemented(`?${sub} on a bucket`);
    if (method === 'GET' && query.get('list-type') === '2') return this.listObjectsV2(ctx, bucket);
    if (method === 'GET') throw notImplemented('ListObjects (version 1); use ListObjectsV2');
    if (method === 'DELETE') throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: bucket.name });
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: method, ResourceType: 'BUCKET' });
  }

  private listObjectsV2(ctx: Ctx, bucket: Bucket): void {
    const q = ctx.query;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const startAfter = q.get('start-after') ?? '';
    const encodingType = q.get('encoding-type');
    if (encodingType !== undefined && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { ArgumentName: 'encoding-type', ArgumentValue: encodingType });
    const maxRaw = q.get('max-keys');
    let maxKeys = 1000;
    if (maxRaw !== undefined) {
      if (!/^-?\d+$/.test(maxRaw)) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, { ArgumentName: 'max-keys', ArgumentValue: maxRaw });
      maxKeys = Number(maxRaw);
      if (maxKeys < 0) throw new S3Error('InvalidArgument', 'Argument maxKeys must be an integer between 0 and 2147483647', 400, { ArgumentName: 'maxKeys', ArgumentValue: maxRaw });
      maxKeys = Math.min(maxKeys, 1000);
    }
    const token = q.get('continuation-token');
    let after = startAfter;
    let skipPrefix: string | undefined;
    if (token !== undefined) {
      try {
        const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { a: string; p?: 1; b: string };
        if (typeof t.a !== 'string' || t.b !== bucket.name) throw new Error('foreign');
        after = t.a;
        if (t.p) skipPrefix = t.a;
      } catch {
        throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' });
      }
    }
    // S3 lists in UTF-8 binary order.
    const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix)).map((k) => [k, Buffer.from(k, 'utf8')] as const).sort((a, b) => Buffer.compare(a[1], b[1]));
    const afterBuf = Buffer.from(after, 'utf8');
    const contents: ObjectMeta[] = [];
    const prefixes: string[] = [];
    let truncated = false;
    let last: { a: string; p?: 1 } | undefined;
    for (const [k, kb] of keys) {
      if (after && Buffer.compare(kb, afterBuf) <= 0) continue;
      if (skipPrefix && k.startsWith(skipPrefix)) continue;
      let common: string | undefined;
      if (delimiter) {
        const i = k.indexOf(delimiter, prefix.length);
        if (i >= 0) common = k.slice(0, i + delimiter.length);
      }
      if (common !== undefined && prefixes[prefixes.length - 1] === common) continue;
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (common !== undefined) {
        prefixes.push(common);
        last = { a: common, p: 1 };
        skipPrefix = common;
      } else {
        contents.push(bucket.objects.get(k)!);
        last = { a: k };
      }
    }
    const enc = (s: string) => (encodingType === 'url' ? uriEncode(s).replace(/%2F/g, '/') : s);
    const body = xmlDocument('ListBucketResult', {
      Name: bucket.name,
      Prefix: enc(prefix),
      ...(delimiter ? { Delimiter: enc(delimiter) } : {}),
      MaxKeys: maxKeys,
      ...(encodingType ? { EncodingType: encodingType } : {}),
      KeyCount: contents.length + prefixes.length,
      ...(token !== undefined ? { ContinuationToken: token } : {}),
      ...(startAfter ? { StartAfter: enc(startAfter) } : {}),
      IsTruncated: truncated,
      ...(truncated && last ? { NextContinuationToken: Buffer.from(JSON.stringify({ ...last, b: bucket.name }), 'utf8').toString('base64url') } : {}),
      Contents: contents.map((o) => ({ Key: enc(o.key), LastModified: isoSeconds(o.lastModified), ETag: o.etag, ...checksumAlgorithmOf(o), Size: o.size, StorageClass: o.storageClass })),
      CommonPrefixes: prefixes.map((p) => ({ Prefix: enc(p) })),
    });
    this.send(ctx, 200, body);
  }

  private async deleteObjects(ctx: Ctx, bucket: Bucket): Promise<void> {
    const body = await this.readSmallBody(ctx);
    if (!ctx.h['content-md5'] && !ALGORITHMS.some((a) => ctx.h[`x-amz-checksum-${a}`])) {
      throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5', 400);
    }
    this.checkSmallBodyDigests(ctx, body);
    const text = body.toString('utf8');
    if (!/<Delete[\s>]/.test(text)) throw malformedXml();
    const objects = xmlElements(text, 'Object').map((o) => xmlText(o, 'Key'));
    if (objects.length === 0 || objects.length > 1000 || objects.some((k) => k === undefined)) throw malformedXml();
    const quiet = xmlText(text, 'Quiet') === 'true';
    for (const k of objects) bucket.remove(k!);
    this.send(ctx, 200, xmlDocument('DeleteResult', { Deleted: quiet ? [] : objects.map((k) => ({ Key: k! })) }));
  }

  // ------------------------------------------------------------------------------------------ object operations

  private async objectOperation(ctx: Ctx, bucket: Bucket): Promise<void> {
    const { method, query, h } = ctx;
    if (Buffer.byteLength(ctx.key, 'utf8') > 1024) throw new S3Error('KeyTooLongError', 'Your key is too long', 400, { Size: Buffer.byteLength(ctx.key, 'utf8'), MaxSizeAllowed: 1024 });
    if (h['x-amz-copy-source']) throw notImplemented('CopyObject / UploadPartCopy');
    if (method === 'POST' && query.has('uploads')) return this.createMultipartUpload(ctx, bucket);
    if (query.has('uploadId')) {
      const uploadId = query.get('uploadId')!;
      if (method === 'PUT' && query.has('partNumber')) return this.uploadPart(ctx, bucket, uploadId);
      if (method === 'POST') return this.completeMultipartUpload(ctx, bucket, uploadId);
      if (method === 'DELETE') return this.abortMultipartUpload(ctx, bucket, uploadId);
      if (method === 'GET') return this.listParts(ctx, bucket, uploadId);
    }
    if (query.has('tagging') && method === 'GET') {
      const o = bucket.objects.get(ctx.key);
      if (!o) throw noSuchKey(ctx.key);
      return this.send(ctx, 200, xmlDocument('Tagging', { TagSet: { Tag: o.tags.map(([Key, Value]) => ({ Key, Value })) } }));
    }
    for (const sub of OBJECT_SUBRESOURCES) if (query.has(sub)) throw notImplemented(`?${sub} on an object`);
    if (method === 'PUT') return this.putObject(ctx, bucket);
    if (method === 'GET' || method === 'HEAD') return this.getObject(ctx, bucket);
    if (method === 'DELETE') {
      bucket.remove(ctx.key);
      return this.send(ctx, 204);
    }
    throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, { Method: method, ResourceType: 'OBJECT' });
  }

  /** Content type, stored headers, user metadata and tags of a PutObject or CreateMultipartUpload. */
  private objectAttributes(ctx: Ctx) {
    const h = ctx.h;
    const metadata: Record<string, string> = {};
    let metaSize = 0;
    for (const [k, v] of Object.entries(h)) {
      if (k.startsWith('x-amz-meta-') && v !== undefined) {
        const name = k.slice('x-amz-meta-'.length);
        metadata[name] = v;
        metaSize += Buffer.byteLength(name) + Buffer.byteLength(v);
      }
    }
    if (metaSize > 2048) throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400, { Size: metaSize, MaxSizeAllowed: 2048 });
    const headers: Record<string, string> = {};
    for (const name of STORED_HEADERS) {
      let v = h[name];
      if (name === 'content-encoding' && v) v = v.split(',').map((s) => s.trim()).filter((s) => s && s !== 'aws-chunked').join(',');
      if (v) headers[name] = v;
    }
    const tags = parseTagging(h['x-amz-tagging']);
    const storageClass = h['x-amz-storage-class'] ?? 'STANDARD';
    const sse = h['x-amz-server-side-encryption'];
    if (sse !== undefined && sse !== 'AES256' && sse !== 'aws:kms' && sse !== 'aws:kms:dsse') {
      throw new S3Error('InvalidArgument', 'The encryption method specified is not supported', 400, { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: sse });
    }
    return { contentType: h['content-type'] || 'binary/octet-stream', headers, metadata, tags, storageClass };
  }

  private async putObject(ctx: Ctx, bucket: Bucket): Promise<void> {
    const attrs = this.objectAttributes(ctx);
    const current = bucket.objects.get(ctx.key);
    this.checkWritePreconditions(ctx, current);
    const { file, size, etag, checksums } = await this.receiveBody(ctx, bucket.objectsDir);
    try {
      // Checked again once the body is in: another writer may have won meanwhile (S3 answers 412 or 409 then).
      this.checkWritePreconditions(ctx, bucket.objects.get(ctx.key));
    } catch (error) {
      rmSync(join(bucket.objectsDir, file), { force: true });
      throw error;
    }
    const meta: ObjectMeta = { key: ctx.key, size, etag, lastModified: this.nowSeconds(), ...attrs, checksums, data: file };
    bucket.commit(meta);
    this.send(ctx, 200, undefined, { etag, 'x-amz-server-side-encryption': 'AES256', ...checksumHeaders(checksums) });
  }

  /** If-None-Match: * and If-Match on writes (S3 conditional writes). */
  private checkWritePreconditions(ctx: Ctx, current: ObjectMeta | undefined): void {
    const ifNoneMatch = ctx.h['if-none-match'];
    const ifMatch = ctx.h['if-match'];
    if (ifNoneMatch !== undefined) {
      if (ifNoneMatch.trim() !== '*') throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, { Header: 'If-None-Match' });
      if (current) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-None-Match' });
    }
    if (ifMatch !== undefined) {
      if (!current) throw noSuchKey(ctx.key);
      if (!etagMatches(ifMatch, current.etag)) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
    }
  }

  private getObject(ctx: Ctx, bucket: Bucket): void {
    const o = bucket.objects.get(ctx.key);
    const head = ctx.method === 'HEAD';
    if (!o) throw noSuchKey(ctx.key);
    if (ctx.query.has('partNumber')) throw notImplemented('GetObject with partNumber');
    // Conditional reads (RFC 7232 order, as S3 documents for GetObject/HeadObject).
    const h = ctx.h;
    const lastModified = new Date(o.lastModified);
    const ifMatch = h['if-match'];
    const ifNoneMatch = h['if-none-match'];
    const since = h['if-modified-since'] ? Date.parse(h['if-modified-since']) : Number.NaN;
    const unmodifiedSince = h['if-unmodified-since'] ? Date.parse(h['if-unmodified-since']) : Number.NaN;
    const failed = new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {});
    if (ifMatch !== undefined && !etagMatches(ifMatch, o.etag)) throw new S3Error(failed.code, failed.message, 412, { Condition: 'If-Match' });
    if (ifMatch === undefined && !Number.isNaN(unmodifiedSince) && o.lastModified > unmodifiedSince) throw new S3Error(failed.code, failed.message, 412, { Condition: 'If-Unmodified-Since' });
    const baseHeaders: Record<string, string> = {
      etag: o.etag,
      'last-modified': lastModified.toUTCString(),
      'accept-ranges': 'bytes',
      'x-amz-server-side-encryption': 'AES256',
      ...(o.storageClass !== 'STANDARD' ? { 'x-amz-storage-class': o.storageClass } : {}),
    };
    if ((ifNoneMatch !== undefined && etagMatches(ifNoneMatch, o.etag)) || (ifNoneMatch === undefined && !Number.isNaN(since) && o.lastModified <= since)) {
      return this.send(ctx, 304, undefined, baseHeaders);
    }

    const headers: Record<string, string> = { ...baseHeaders, 'content-type': o.contentType, ...o.headers };
    for (const [k, v] of Object.entries(o.metadata)) headers[`x-amz-meta-${k}`] = v;
    if (o.tags.length) headers['x-amz-tagging-count'] = String(o.tags.length);
    if (o.parts) headers['x-amz-mp-parts-count'] = String(o.parts);
    // response-* overrides (only on signed requests, which every accepted request is).
    const overrides: Record<string, string> = { 'response-content-type': 'content-type', 'response-content-disposition': 'content-disposition', 'response-content-encoding': 'content-encoding', 'response-content-language': 'content-language', 'response-cache-control': 'cache-control', 'response-expires': 'expires' };
    for (const [param, header] of Object.entries(overrides)) {
      const v = ctx.query.get(param);
      if (v !== undefined) headers[header] = v;
    }

    let start = 0;
    let end = o.size - 1;
    let status = 200;
    const range = h.range;
    const r = range ? /^bytes=(\d*)-(\d*)$/.exec(range.trim()) : null;
    if (r && (r[1] || r[2])) {
      if (r[1]) {
        start = Number(r[1]);
        end = r[2] ? Math.min(Number(r[2]), o.size - 1) : o.size - 1;
        if (r[2] && Number(r[2]) < start) {
          start = 0; // an invalid range is ignored (RFC 7233), S3 sends the whole object
          end = o.size - 1;
        } else if (start >= o.size) {
          throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range!, ActualObjectSize: o.size }, { 'content-range': `bytes */${o.size}` });
        } else status = 206;
      } else {
        const suffix = Number(r[2]);
        if (suffix === 0 || o.size === 0) throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range!, ActualObjectSize: o.size }, { 'content-range': `bytes */${o.size}` });
        start = Math.max(0, o.size - suffix);
        status = 206;
      }
    }
    if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${o.size}`;
    else if ((h['x-amz-checksum-mode'] ?? '').toUpperCase() === 'ENABLED') Object.assign(headers, checksumHeaders(o.checksums), Object.keys(o.checksums).length ? { 'x-amz-checksum-type': 'FULL_OBJECT' } : {});
    const length = o.size === 0 ? 0 : end - start + 1;
    headers['content-length'] = String(length);
    headers['x-amz-request-id'] = ctx.requestId;
    headers['x-amz-id-2'] = hostId(ctx.requestId);
    if (head || length === 0) {
      ctx.res.writeHead(status, headers);
      return void ctx.res.end();
    }
    // Open now: a concurrent overwrite may unlink the data file, an open descriptor keeps reading it.
    const fd = openSync(join(bucket.objectsDir, o.data), 'r');
    ctx.res.writeHead(status, headers);
    const stream = createReadStream('', { fd, start, end, autoClose: true });
    stream.on('error', () => ctx.res.destroy());
    stream.pipe(ctx.res);
  }

  // ------------------------------------------------------------------------------------------ multipart upload

  private createMultipartUpload(ctx: Ctx, bucket: Bucket): void {
    const attrs = this.objectAttributes(ctx);
    const algorithmHeader = ctx.h['x-amz-checksum-algorithm'];
    const checksumAlgorithm = algorithmHeader ? parseAlgorithm(algorithmHeader) : undefined;
    const uploadId = randomUUID().replace(/-/g, '') + randomBytes(16).toString('base64url');
    const upload: UploadMeta = { uploadId, key: ctx.key, initiated: this.now(), ...attrs, ...(checksumAlgorithm ? { checksumAlgorithm } : {}), parts: {} };
    bucket.uploads.set(uploadId, upload);
    bucket.saveUpload(upload);
    this.send(ctx, 200, xmlDocument('InitiateMultipartUploadResult', { Bucket: bucket.name, Key: ctx.key, UploadId: uploadId }), {
      'x-amz-server-side-encryption': 'AES256',
      ...(checksumAlgorithm ? { 'x-amz-checksum-algorithm': ALGORITHM_NAMES[checksumAlgorithm] } : {}),
    });
  }

  private upload(bucket: Bucket, key: string, uploadId: string): UploadMeta {
    const u = bucket.uploads.get(uploadId);
    if (!u || u.key !== key) throw noSuchUpload(uploadId);
    return u;
  }

  private async uploadPart(ctx: Ctx, bucket: Bucket, uploadId: string): Promise<void> {
    const raw = ctx.query.get('partNumber')!;
    const partNumber = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(partNumber >= 1 && partNumber <= 10_000)) {
      throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400, { ArgumentName: 'partNumber', ArgumentValue: raw });
    }
    const u = this.upload(bucket, ctx.key, uploadId);
    const dir = join(bucket.uploadsDir, uploadId);
    const { file, size, etag, checksums } = await this.receiveBody(ctx, dir, u.checksumAlgorithm);
    const current = bucket.uploads.get(uploadId);
    if (!current) {
      rmSync(join(dir, file), { force: true });
      throw noSuchUpload(uploadId); // aborted or completed while the part was uploading
    }
    const previous = current.parts[partNumber];
    current.parts[partNumber] = { partNumber, size, etag, lastModified: this.nowSeconds(), checksums, data: file };
    bucket.saveUpload(current);
    if (previous && previous.data !== file) rmSync(join(dir, previous.data), { force: true });
    this.send(ctx, 200, undefined, { etag, 'x-amz-server-side-encryption': 'AES256', ...checksumHeaders(checksums) });
  }

  private async completeMultipartUpload(ctx: Ctx, bucket: Bucket, uploadId: string): Promise<void> {
    const u = this.upload(bucket, ctx.key, uploadId);
    const text = (await this.readSmallBody(ctx)).toString('utf8');
    if (!/<CompleteMultipartUpload[\s>]/.test(text)) throw malformedXml();
    const requested = xmlElements(text, 'Part').map((p) => ({
      partNumber: Number(xmlText(p, 'PartNumber')),
      etag: xmlText(p, 'ETag') ?? '',
      checksums: Object.fromEntries(ALGORITHMS.flatMap((a) => {
        const v = xmlText(p, `Checksum${ALGORITHM_NAMES[a]}`);
        return v ? [[a, v]] : [];
      })) as Partial<Record<ChecksumAlgorithm, string>>,
    }));
    if (requested.length === 0 || requested.some((p) => !Number.isInteger(p.partNumber))) throw malformedXml();
    const invalidPart = (n: number, etag: string) =>
      new S3Error('InvalidPart', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", 400, { UploadId: uploadId, PartNumber: n, ETag: etag });
    const parts: PartMeta[] = [];
    for (let i = 0; i < requested.length; i++) {
      const p = requested[i]!;
      if (i > 0 && p.partNumber <= requested[i - 1]!.partNumber) {
        throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', 400, { UploadId: uploadId });
      }
      const stored = u.parts[p.partNumber];
      if (!stored || !etagMatches(p.etag, stored.etag)) throw invalidPart(p.partNumber, p.etag);
      for (const [a, v] of Object.entries(p.checksums)) {
        if (stored.checksums[a as ChecksumAlgorithm] !== v) throw invalidPart(p.partNumber, p.etag);
      }
      parts.push(stored);
    }
    for (let i = 0; i < parts.length - 1; i++) {
      if (parts[i]!.size < MIN_PART_SIZE) {
        throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400, {
          ProposedSize: parts[i]!.size,
          MinSizeAllowed: MIN_PART_SIZE,
          PartNumber: parts[i]!.partNumber,
          ETag: parts[i]!.etag,
        });
      }
    }
    const dir = join(bucket.uploadsDir, uploadId);
    const file = `${randomUUID()}.data`;
    const tmp = join(bucket.objectsDir, `${file}.tmp-${process.pid}`);
    const out = createWriteStream(tmp);
    for (const part of parts) await pipeline(createReadStream(join(dir, part.data)), out, { end: false });
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    renameSync(tmp, join(bucket.objectsDir, file));
    const md5s = createHash('md5');
    for (const part of parts) md5s.update(Buffer.from(part.etag.replace(/"/g, ''), 'hex'));
    const etag = `"${md5s.digest('hex')}-${parts.length}"`;
    const size = parts.reduce((n, p) => n + p.size, 0);
    bucket.commit({ key: u.key, size, etag, lastModified: this.nowSeconds(), contentType: u.contentType, headers: u.headers, metadata: u.metadata, tags: u.tags, checksums: {}, storageClass: u.storageClass, data: file, parts: parts.length });
    bucket.dropUpload(uploadId);
    const host = ctx.req.headers.host ?? 'localhost';
    this.send(ctx, 200, xmlDocument('CompleteMultipartUploadResult', {
      Location: `http://${host}/${bucket.name}/${u.key.split('/').map(uriEncode).join('/')}`,
      Bucket: bucket.name,
      Key: u.key,
      ETag: etag,
    }), { 'x-amz-server-side-encryption': 'AES256' });
  }

  private abortMultipartUpload(ctx: Ctx, bucket: Bucket, uploadId: string): void {
    this.upload(bucket, ctx.key, uploadId);
    bucket.dropUpload(uploadId);
    this.send(ctx, 204);
  }

  private listParts(ctx: Ctx, bucket: Bucket, uploadId: string): void {
    const u = this.upload(bucket, ctx.key, uploadId);
    const marker = Number(ctx.query.get('part-number-marker') ?? 0) || 0;
    const maxParts = Math.min(Number(ctx.query.get('max-parts') ?? 1000) || 1000, 1000);
    const all = Object.values(u.parts).filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
    const page = all.slice(0, maxParts);
    const truncated = all.length > page.length;
    this.send(ctx, 200, xmlDocument('ListPartsResult', {
      Bucket: bucket.name,
      Key: u.key,
      UploadId: uploadId,
      PartNumberMarker: marker,
      ...(page.length ? { NextPartNumberMarker: page[page.length - 1]!.partNumber } : {}),
      MaxParts: maxParts,
      IsTruncated: truncated,
      Part: page.map((p) => ({ PartNumber: p.partNumber, LastModified: isoSeconds(p.lastModified), ETag: p.etag, Size: p.size, ...Object.fromEntries(Object.entries(p.checksums).map(([a, v]) => [`Checksum${ALGORITHM_NAMES[a as ChecksumAlgorithm]}`, v])) })),
      StorageClass: u.storageClass,
      ...(u.checksumAlgorithm ? { ChecksumAlgorithm: ALGORITHM_NAMES[u.checksumAlgorithm] } : {}),
    }));
  }

  // ------------------------------------------------------------------------------------------ bodies

  /**
   * Streams a request body to a new file in `dir`, computing the MD5 (ETag) and the flexible checksums the
   * request names, and checks Content-MD5, x-amz-checksum-* (header or aws-chunked trailer) and a hex
   * x-amz-content-sha256 as S3 does. Returns the file name (relative to dir).
   */
  private async receiveBody(ctx: Ctx, dir: string, uploadAlgorithm?: ChecksumAlgorithm) {
    const h = ctx.h;
    const chunked = (h['content-encoding'] ?? '').split(',').some((s) => s.trim() === 'aws-chunked') || (h['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
    const declared = chunked ? h['x-amz-decoded-content-length'] : h['content-length'];
    if (declared === undefined) {
      if (chunked) throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.', 411);
      if (h['transfer-encoding']) throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.', 411);
    }
    const expectedSize = declared === undefined ? 0 : Number(declared);
    if (!Number.isSafeInteger(expectedSize) || expectedSize < 0) throw new S3Error('InvalidArgument', 'Invalid Content-Length', 400);
    if (expectedSize > MAX_OBJECT_SIZE) throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.', 400, { ProposedSize: expectedSize, MaxSizeAllowed: MAX_OBJECT_SIZE });

    const md5Header = h['content-md5'];
    if (md5Header !== undefined && Buffer.from(md5Header, 'base64').length !== 16) throw new S3Error('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, { 'Content-MD5': md5Header });
    const wanted = new Set<ChecksumAlgorithm>();
    const given: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const a of ALGORITHMS) {
      const v = h[`x-amz-checksum-${a}`];
      if (v !== undefined) {
        wanted.add(a);
        given[a] = v;
      }
    }
    const sdkAlgorithm = h['x-amz-sdk-checksum-algorithm'];
    if (sdkAlgorithm) wanted.add(parseAlgorithm(sdkAlgorithm));
    const trailer = h['x-amz-trailer'];
    if (trailer) {
      const a = /^x-amz-checksum-([a-z0-9]+)$/.exec(trailer.trim().toLowerCase())?.[1];
      if (!a || !ALGORITHMS.includes(a as ChecksumAlgorithm)) throw new S3Error('InvalidRequest', `Invalid trailing header name: ${trailer}`, 400);
      wanted.add(a as ChecksumAlgorithm);
    }
    if (uploadAlgorithm) wanted.add(uploadAlgorithm);
    const requested = new Set(wanted);
    const contentSha = h['x-amz-content-sha256'];
    const hexSha = contentSha && /^[0-9a-f]{64}$/.test(contentSha) ? contentSha : undefined;
    if (hexSha) wanted.add('sha256');

    const digests = new Digests(wanted);
    const file = `${randomUUID()}.data`;
    const tmp = join(dir, `${file}.tmp-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const trailers: Record<string, string> = {};
    const decoder = chunked ? awsChunkedDecoder(trailers) : undefined;
    const hasher = new Transform({
      transform(chunk: Buffer, _enc, done) {
        digests.update(chunk);
        if (digests.size > MAX_OBJECT_SIZE) return done(new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.', 400));
        done(null, chunk);
      },
    });
    try {
      if (decoder) await pipeline(ctx.req, decoder, hasher, createWriteStream(tmp));
      else await pipeline(ctx.req, hasher, createWriteStream(tmp));
    } catch (error) {
      rmSync(tmp, { force: true });
      if (error instanceof S3Error) throw error;
      throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', 400);
    }
    const fail = (e: S3Error): never => {
      rmSync(tmp, { force: true });
      throw e;
    };
    if (declared !== undefined && digests.size !== expectedSize) fail(new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', 400, { NumberBytesExpected: expectedSize, NumberBytesProvided: digests.size }));
    for (const [k, v] of Object.entries(trailers)) {
      const a = /^x-amz-checksum-([a-z0-9]+)$/.exec(k)?.[1] as ChecksumAlgorithm | undefined;
      if (a && ALGORITHMS.includes(a)) given[a] = v;
    }
    if (trailer && Object.keys(trailers).length === 0) fail(new S3Error('MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.', 400));
    const { md5, checksums } = digests.result();
    if (md5Header !== undefined && md5.toString('base64') !== md5Header) fail(new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400, { ExpectedDigest: md5Header, CalculatedDigest: md5.toString('base64') }));
    if (hexSha && Buffer.from(checksums.sha256!, 'base64').toString('hex') !== hexSha) {
      fail(new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, { ClientComputedContentSHA256: hexSha, S3ComputedContentSHA256: Buffer.from(checksums.sha256!, 'base64').toString('hex') }));
    }
    for (const [a, v] of Object.entries(given) as [ChecksumAlgorithm, string][]) {
      if (checksums[a] !== v) fail(new S3Error('BadDigest', `The ${ALGORITHM_NAMES[a]} you specified did not match the calculated checksum.`, 400));
    }
    renameSync(tmp, join(dir, file));
    // Keep the checksums the client asked for (S3 returns those with x-amz-checksum-mode: ENABLED).
    const kept: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const a of requested) kept[a] = checksums[a]!;
    return { file, size: digests.size, etag: `"${md5.toString('hex')}"`, checksums: kept };
  }

  private async readSmallBody(ctx: Ctx): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length;
      if (size > 2 * MiB) throw malformedXml();
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  private checkSmallBodyDigests(ctx: Ctx, body: Buffer): void {
    const md5 = ctx.h['content-md5'];
    if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
    for (const a of ALGORITHMS) {
      const v = ctx.h[`x-amz-checksum-${a}`];
      if (v === undefined) continue;
      const d = new Digests(new Set([a]));
      d.update(body);
      if (d.result().checksums[a] !== v) throw new S3Error('BadDigest', `The ${ALGORITHM_NAMES[a]} you specified did not match the calculated checksum.`, 400);
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000) * 1000;
  }

  private send(ctx: Ctx, status: number, body?: string, headers: Record<string, string> = {}): void {
    const out: Record<string, string> = { 'x-amz-request-id': ctx.requestId, 'x-amz-id-2': hostId(ctx.requestId), ...headers };
    if (body !== undefined) {
      out['content-type'] = 'application/xml';
      out['content-length'] = String(Buffer.byteLength(body));
    } else if (status !== 204 && status !== 304) out['content-length'] = '0';
    ctx.res.writeHead(status, out);
    ctx.res.end(body);
  }
}

// ---------------------------------------------------------------------------------------------- helpers

function xmlErrorBody(e: S3Error, c: { bucket: string; key: string; requestId: string; resource: string }): string {
  const fields: Record<string, XmlValue> = { Code: e.code, Message: e.message };
  if (e.code === 'NoSuchBucket' || e.code === 'NoSuchKey' || e.code === 'AccessDenied') fields.Resource = c.resource;
  Object.assign(fields, e.extra);
  if (e.code === 'NoSuchKey' && !('Key' in fields)) fields.Key = c.key;
  fields.RequestId = c.requestId;
  fields.HostId = hostId(c.requestId);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xml('Error', fields)}`;
}

const hostId = (requestId: string) => createHash('sha256').update(requestId).digest('base64');
const isoSeconds = (ms: number) => new Date(ms).toISOString();

function checksumHeaders(checksums: Partial<Record<ChecksumAlgorithm, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(checksums).map(([a, v]) => [`x-amz-checksum-${a}`, v!]));
}

function checksumAlgorithmOf(o: ObjectMeta): Record<string, XmlValue> {
  const algorithms = Object.keys(o.checksums) as ChecksumAlgorithm[];
  return algorithms.length ? { ChecksumAlgorithm: algorithms.map((a) => ALGORITHM_NAMES[a]), ChecksumType: 'FULL_OBJECT' } : {};
}

function parseAlgorithm(name: string): ChecksumAlgorithm {
  const a = name.trim().toLowerCase() as ChecksumAlgorithm;
  if (!ALGORITHMS.includes(a)) throw new S3Error('InvalidRequest', `Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]`, 400);
  return a;
}

function etagMatches(condition: string, etag: string): boolean {
  return condition.split(',').map((s) => s.trim()).some((c) => c === '*' || c === etag || `"${c}"` === etag || c.replace(/^W\//, '') === etag);
}

function parseTagging(raw: string | undefined): [string, string][] {
  if (!raw) return [];
  const tags = parseQuery(raw);
  if (tags.length > 10) throw new S3Error('BadRequest', 'Object tags cannot be greater than 10', 400);
  const seen = new Set<string>();
  for (const [k, v] of tags) {
    if (!k || k.length > 128 || v.length > 256 || seen.has(k)) throw new S3Error('InvalidTag', 'The TagKey you have provided is invalid', 400, { TagKey: k });
    seen.add(k);
  }
  return tags;
}

/**
 * Decodes `Content-Encoding: aws-chunked` (SigV4 streaming, signed or unsigned, with optional trailers):
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0[;…]\r\n[<trailer>:<value>\r\n]*\r\n`.
 * Chunk signatures are not verified (header signatures are not, locally).
 */
function awsChunkedDecoder(trailers: Record<string, string>): Transform {
  let buf: Buffer = Buffer.alloc(0);
  let remaining = -1; // bytes of chunk data still expected; -1 = reading a size line
  let done = false;
  const bad = () => new S3Error('InvalidRequest', 'The aws-chunked request body is malformed.', 400);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      try {
        for (;;) {
          if (done) {
            const end = buf.indexOf('\r\n');
            if (end < 0) break;
            const line = buf.subarray(0, end).toString('latin1');
            buf = buf.subarray(end + 2);
            if (line === '') continue;
            const i = line.indexOf(':');
            if (i > 0) trailers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
            continue;
          }
          if (remaining < 0) {
            const end = buf.indexOf('\r\n');
            if (end < 0) {
              if (buf.length > 4096) throw bad();
              break;
            }
            const size = parseInt(buf.subarray(0, end).toString('latin1').split(';')[0]!, 16);
            if (!Number.isFinite(size) || size < 0) throw bad();
            buf = buf.subarray(end + 2);
            if (size === 0) {
              done = true;
              continue;
            }
            remaining = size;
          }
          if (remaining > 0) {
            if (buf.length === 0) break;
            const take = Math.min(remaining, buf.length);
            this.push(buf.subarray(0, take));
            buf = buf.subarray(take);
            remaining -= take;
          }
          if (remaining === 0) {
            if (buf.length < 2) break;
            buf = buf.subarray(2); // the CRLF after the chunk data
            remaining = -1;
          }
        }
        cb();
      } catch (error) {
        cb(error as Error);
      }
    },
    flush(cb) {
      cb(done ? null : new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', 400));
    },
  });
}
