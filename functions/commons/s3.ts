import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { config, configFrom } from './config.ts';

/**
 * Tenant files in S3. One lazily created client per container; where it points comes from configuration
 * read here only: `FILES_BUCKET` (the bucket), `S3_FORCE_PATH_STYLE` (`true` for path-style addressing,
 * which S3 also serves; the local runtime needs it, as its S3 endpoint is one host and port) and the SDK's
 * own `AWS_ENDPOINT_URL_S3` (unset on AWS). Every key starts with the tenant id: `<tenantId>/...`.
 */

/** The tag the bucket's lifecycle rule expires (infra/stacks/data-stack.ts): imports, exports, previews. */
export const TMP_TAG = { key: 'cirrus-lifecycle', value: 'tmp' } as const;
/** `Tagging` value for PutObject / CreateMultipartUpload of a temporary object. */
export const TMP_TAGGING = `${TMP_TAG.key}=${TMP_TAG.value}`;
/** The longest a presigned URL lives here (S3 allows 7 days; an upload or download link needs minutes). */
export const MAX_PRESIGN_SECONDS = 3600;

export interface FilesConfig {
  readonly bucket: string;
  readonly forcePathStyle: boolean;
}

export function filesConfig(env?: Readonly<Record<string, string | undefined>>): FilesConfig {
  return (env ? configFrom(env) : config).files();
}

let client: S3Client | undefined;
let presigning: S3Client | undefined;

/** The S3 client for server-side calls (GetObject, PutObject, ListObjectsV2, multipart, ...). */
export function s3Client(): S3Client {
  return (client ??= new S3Client({ forcePathStyle: filesConfig().forcePathStyle }));
}

/**
 * The client that signs URLs for browsers. The SDK's default flexible checksums would sign the CRC32 of an
 * empty body into a presigned PutObject URL, and S3 then refuses the real upload (BadDigest); checksums are
 * only computed where the API requires them.
 */
function presigningClient(): S3Client {
  return (presigning ??= new S3Client({ forcePathStyle: filesConfig().forcePathStyle, requestChecksumCalculation: 'WHEN_REQUIRED' }));
}

export const filesBucket = (): string => filesConfig().bucket;

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** `<tenantId>/<part>/<part>...`; refuses empty, `.`/`..` and `/`-containing parts so a key cannot leave its tenant. */
export function tenantFileKey(tenantId: string, ...parts: string[]): string {
  if (!TENANT_ID.test(tenantId)) throw new Error(`Invalid tenant id for a file key: ${JSON.stringify(tenantId)}`);
  if (parts.length === 0) throw new Error('A file key needs at least one part after the tenant');
  for (const p of parts) {
    if (!p || p === '.' || p === '..' || p.includes('/') || /[\u0000-\u001f\u007f]/.test(p)) throw new Error(`Invalid file key part: ${JSON.stringify(p)}`);
  }
  const key = [tenantId, ...parts].join('/');
  if (Buffer.byteLength(key, 'utf8') > 1024) throw new Error('A file key is at most 1024 bytes');
  return key;
}

/** The tenant a key belongs to (its first segment). */
export const tenantOfKey = (key: string): string => key.slice(0, Math.max(0, key.indexOf('/')));

function assertTenantKey(tenantId: string, key: string): void {
  if (!TENANT_ID.test(tenantId) || tenantOfKey(key) !== tenantId) throw new Error(`Key ${JSON.stringify(key)} is not a file of tenant ${tenantId}`);
}

const expiry = (seconds: number | undefined) => {
  const s = seconds ?? 300;
  if (!Number.isInteger(s) || s < 1 || s > MAX_PRESIGN_SECONDS) throw new Error(`A presigned URL lives 1–${MAX_PRESIGN_SECONDS} s, not ${s}`);
  return s;
};

export interface PresignedUploadOptions {
  /** Signed: the browser must send exactly this Content-Type. */
  readonly contentType?: string;
  /** Signed: the browser must send exactly this many bytes. */
  readonly contentLength?: number;
  /** User metadata (x-amz-meta-*), signed into the URL. */
  readonly metadata?: Record<string, string>;
  readonly temporary?: boolean;
  readonly expiresInSeconds?: number;
}

/** A URL a browser PUTs one file to (fetch(url, { method: 'PUT', body: file, headers: { 'content-type': … } })). */
export async function presignedUpload(tenantId: string, key: string, options: PresignedUploadOptions = {}): Promise<string> {
  assertTenantKey(tenantId, key);
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const signed = new Set<string>();
  if (options.contentType) signed.add('content-type');
  if (options.contentLength !== undefined) signed.add('content-length');
  const command = new PutObjectCommand({
    Bucket: filesBucket(),
    Key: key,
    ...(options.contentType ? { ContentType: options.contentType } : {}),
    ...(options.contentLength !== undefined ? { ContentLength: options.contentLength } : {}),
    ...(options.metadata ? { Metadata: options.metadata } : {}),
    ...(options.temporary ? { Tagging: TMP_TAGGING } : {}),
  });
  return getSignedUrl(presigningClient(), command, { expiresIn: expiry(options.expiresInSeconds), signableHeaders: signed });
}

export interface PresignedDownloadOptions {
  /** Offered as the file name (Content-Disposition: attachment). */
  readonly fileName?: string;
  readonly expiresInSeconds?: number;
}

/** A URL a browser GETs one file from. */
export async function presignedDownload(tenantId: string, key: string, options: PresignedDownloadOptions = {}): Promise<string> {
  assertTenantKey(tenantId, key);
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const disposition = options.fileName ? `attachment; filename*=UTF-8''${encodeURIComponent(options.fileName)}` : undefined;
  const command = new GetObjectCommand({ Bucket: filesBucket(), Key: key, ...(disposition ? { ResponseContentDisposition: disposition } : {}) });
  return getSignedUrl(presigningClient(), command, { expiresIn: expiry(options.expiresInSeconds) });
}

/** A file name safe as the last part of a key: control characters and slashes become `_`, at most 200 characters. */
export const safeFileName = (name: string, fallback = 'file'): string =>
  name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').slice(0, 200) || fallback;
