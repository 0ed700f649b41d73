import { Fn, Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledge, iam5ResourceFinding } from './nag.ts';

/** What a deploy unit may do with tenant files (`access.files` in the declarations). */
export type FilesAccessMode = 'read' | 'readwrite';

/** Object reads (GetObject also authorises HeadObject and ranged reads). */
export const FILES_READ_ACTIONS = ['s3:GetObject'] as const;
/**
 * Object writes. PutObject also authorises CreateMultipartUpload, UploadPart and CompleteMultipartUpload;
 * PutObjectTagging is needed to send `Tagging` with PutObject (the temporary-object lifecycle tag);
 * ListMultipartUploadParts is ListParts, to resume a multipart upload.
 */
export const FILES_WRITE_ACTIONS = ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'] as const;
/** Bucket-level: ListObjectsV2 (and HeadObject answering 404 rather than 403 for a missing key). */
export const FILES_LIST_ACTIONS = ['s3:ListBucket'] as const;
/** With a KMS-encrypted bucket (SSE-KMS): reading needs Decrypt, writing GenerateDataKey as well. */
export const FILES_KMS_READ_ACTIONS = ['kms:Decrypt'] as const;
export const FILES_KMS_WRITE_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/**
 * The ARN of `value` usable in `consumer`'s stack. Across stacks an explicit, named export is used instead of
 * CDK's generated one, so the resource string (and the cdk-nag finding acknowledged for it) is known here.
 */
function inStack(consumer: Stack, producer: Stack, id: string, value: string): string {
  if (consumer === producer) return value;
  const name = `${producer.stackName}-${id}`;
  if (!producer.node.tryFindChild(`Export${name}`)) producer.exportValue(value, { name });
  consumer.addDependency(producer);
  return Fn.importValue(name);
}

/**
 * Least-privilege access of one deploy unit's role to the tenant files bucket: objects (`bucket/*`) and
 * ListBucket on the bucket itself. Tenant isolation inside the bucket is the unit's job (every key starts with
 * the caller's tenant, functions/commons/s3.ts); IAM cannot see the tenant of a request to a shared role.
 */
export function grantFiles(role: iam.IRole, bucket: s3.IBucket, mode: FilesAccessMode): void {
  const consumer = Stack.of(role);
  const producer = Stack.of(bucket);
  const bucketId = Names.uniqueId(bucket);
  const bucketArn = inStack(consumer, producer, `${bucketId}-Arn`, bucket.bucketArn);
  const objectsArn = `${bucketArn}/*`;

  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: mode === 'readwrite' ? 'TenantFilesReadWrite' : 'TenantFilesRead',
      actions: mode === 'readwrite' ? [...FILES_READ_ACTIONS, ...FILES_WRITE_ACTIONS] : [...FILES_READ_ACTIONS],
      resources: [objectsArn],
    }),
  );
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'TenantFilesList', actions: [...FILES_LIST_ACTIONS], resources: [bucketArn] }));

  const key = bucket.encryptionKey;
  if (key) {
    const keyArn = inStack(consumer, Stack.of(key), `${Names.uniqueId(key)}-Arn`, key.keyArn);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TenantFilesKey',
        actions: mode === 'readwrite' ? [...FILES_KMS_WRITE_ACTIONS] : [...FILES_KMS_READ_ACTIONS],
        resources: [keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${consumer.region}.${consumer.urlSuffix}` } },
      }),
    );
  }

  acknowledge(role, {
    id: iam5ResourceFinding(role, objectsArn),
    reason: 'Tenant file keys are created at run time (one per attachment, import or export); access is limited to objects of the one files bucket, and the unit writes only under the caller tenant prefix.',
  });
}
