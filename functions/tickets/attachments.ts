import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { attachmentUpload } from '#schemas/ticket.ts';
import { invalid } from '#commons/errors.ts';
import { filesBucket, presignedUpload, s3Client, safeFileName, tenantFileKey } from '#commons/s3.ts';
import type { Actor } from '../policy/policy.ts';
import type { EntityDefinition } from '../records/entity.ts';
import { loadForWrite, parse, type RecordDeps } from '../records/service.ts';

/**
 * Files an agent attaches to a reply or note (issue 9): the browser PUTs each one to a presigned URL under
 * `<tenant>/tickets/<ticketId>/uploads/<id>/<fileName>`, then names its key in the reply; any attachment of the
 * thread is downloaded through a short-lived presigned GET.
 */
const UPLOAD_SECONDS = 900;
export const DOWNLOAD_SECONDS = 300;

/** POST /api/tickets/{id}/attachments: for someone who may reply to the ticket. */
export async function startUpload(def: EntityDefinition, p: Actor, ticketId: string, body: unknown, deps: RecordDeps) {
  const input = parse(attachmentUpload, body);
  await loadForWrite(def, p, ticketId, deps);
  const now = deps.clock();
  const key = tenantFileKey(p.tenantId, 'tickets', ticketId, 'uploads', deps.newId(now), safeFileName(input.fileName));
  const uploadUrl = await presignedUpload(p.tenantId, key, { contentType: input.contentType, contentLength: input.size, expiresInSeconds: UPLOAD_SECONDS });
  return { key, uploadUrl, expiresAt: new Date(now.getTime() + UPLOAD_SECONDS * 1000).toISOString() };
}

/** The size of each attachment named by a reply, checking it is a file of this ticket that exists: 400 naming the key otherwise. */
export async function attachmentSizes(tenantId: string, ticketId: string, keys: readonly string[]): Promise<number[]> {
  const prefix = `${tenantId}/tickets/${ticketId}/`;
  const errors: { path: string; message: string; code: string }[] = [];
  const sizes = await Promise.all(keys.map(async (key, i) => {
    if (!key.startsWith(prefix) || key.split('/').some((part) => part === '..' || part === '.')) {
      errors.push({ path: `attachments.${i}.key`, message: 'Not a file of this ticket', code: 'invalid_key' });
      return 0;
    }
    try {
      const head = await s3Client().send(new HeadObjectCommand({ Bucket: filesBucket(), Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== 404 && (error as Error).name !== 'NotFound' && (error as Error).name !== 'NoSuchKey') throw error;
      errors.push({ path: `attachments.${i}.key`, message: 'No such file was uploaded', code: 'not_found' });
      return 0;
    }
  }));
  if (errors.length) throw invalid(errors.sort((a, b) => a.path.localeCompare(b.path)));
  return sizes;
}
