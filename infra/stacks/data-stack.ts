import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.ts';
import { inboundMail, table as tableDeclaration, type TableDeclaration } from '../declarations/index.ts';

export interface DataStackProps extends StackProps {
  /** Defaults to the real declaration in infra/declarations/table.ts. */
  readonly tableDeclaration?: TableDeclaration;
  /**
   * Origins whose pages may use presigned URLs of the files bucket (CORS). Default: the origin of context
   * `appUrl` when set, else any CloudFront distribution domain (see FILES_CORS_FALLBACK_ORIGIN).
   */
  readonly filesCorsOrigins?: readonly string[];
}

/** Objects tagged so expire after TMP_EXPIRY_DAYS (same tag as functions/commons/s3.ts TMP_TAG). */
export const TMP_OBJECT_TAG = { key: 'cirrus-lifecycle', value: 'tmp' } as const;
export const TMP_EXPIRY_DAYS = 2;
export const NONCURRENT_VERSION_DAYS = 30;
export const ACCESS_LOG_DAYS = 90;

/**
 * The web app's CloudFront domain is created by the web stack, which depends on this one, so it cannot be
 * named here without a dependency cycle. Without context `appUrl` the bucket's CORS admits pages on any
 * *.cloudfront.net domain. CORS is not the access control of the bucket: every request still needs a valid
 * signature that only the API hands out (to signed-in users, for their tenant's keys); CORS only decides
 * whether a page may read the answer. `-c appUrl=https://<distribution or custom domain>` narrows it to the app.
 */
export const FILES_CORS_FALLBACK_ORIGIN = 'https://*.cloudfront.net';

/** The single DynamoDB table, exactly as declared (also created by the local runtime from the same declaration). */
export class DataStack extends Stack {
  readonly table: dynamodb.Table;
  /** Tenant files: every key starts with the tenant id (`<tenantId>/...`). Access per unit: files-access.ts. */
  readonly filesBucket: s3.Bucket;
  /** Server access logs of the files bucket. */
  readonly filesLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);
    const decl = props.tableDeclaration ?? tableDeclaration;
    const S = dynamodb.AttributeType.STRING;

    this.table = new dynamodb.Table(this, decl.logicalName, {
      partitionKey: { name: decl.partitionKey, type: S },
      sortKey: { name: decl.sortKey, type: S },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      stream: dynamodb.StreamViewType[decl.streamViewType],
      timeToLiveAttribute: decl.timeToLiveAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of decl.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: S },
        sortKey: { name: index.sortKey, type: S },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // Server access logs: who read or wrote which tenant file (log bucket itself cannot log into itself).
    this.filesLogsBucket = new s3.Bucket(this, 'FilesLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ACCESS_LOG_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.filesLogsBucket, {
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the tenant files bucket; S3 server access logs of a log bucket would log their own delivery in a loop.',
    });

    const appUrl = this.node.tryGetContext('appUrl') as string | undefined;
    const corsOrigins = props.filesCorsOrigins ?? [appUrl ? new URL(appUrl).origin : FILES_CORS_FALLBACK_ORIGIN];

    // SSE-S3 (AES256), not KMS: the table uses AWS-managed encryption too; SSE-KMS would add a KMS request per
    // object read/write (cost and throttling on bulk imports/exports) and kms:Decrypt/GenerateDataKey grants
    // to every unit, and a presigned URL would then also need the signer's KMS permission. Switch to a
    // customer managed key when a tenant's compliance requires key-level audit or revocation; grantFiles
    // (files-access.ts) already grants KMS use when the bucket has a key.
    this.filesBucket = new s3.Bucket(this, 'FilesBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.filesLogsBucket,
      serverAccessLogsPrefix: 'files/',
      removalPolicy: RemovalPolicy.RETAIN,
      cors: [
        {
          // Presigned browser uploads (PUT, multipart parts) and downloads from the app's origin only.
          allowedOrigins: [...corsOrigins],
          allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD, s3.HttpMethods.PUT],
          allowedHeaders: ['content-type', 'content-md5', 'content-disposition', 'x-amz-checksum-*', 'x-amz-sdk-checksum-algorithm', 'x-amz-meta-*', 'x-amz-tagging'],
          exposedHeaders: ['ETag', 'Content-Length', 'Content-Type', 'Content-Disposition', 'x-amz-version-id'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        {
          // Unfinished multipart uploads are invisible but billed; a browser upload that was abandoned ends here.
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          // Versioning keeps overwritten and deleted files recoverable for a month, then frees the space.
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          expiredObjectDeleteMarker: true,
        },
        {
          // Temporary objects (import uploads, export files, previews). Keys must start with the tenant, so a
          // `tmp/` prefix rule cannot match them (S3 lifecycle filters are prefixes, not patterns); the writer
          // tags them instead (functions/commons/s3.ts TMP_TAGGING). Their old versions go a day later.
          id: 'expire-temporary-objects',
          tagFilters: { [TMP_OBJECT_TAG.key]: TMP_OBJECT_TAG.value },
          expiration: Duration.days(TMP_EXPIRY_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          // Raw support mails as SES receiving stored them (infra/declarations/events.ts inboundMail); the
          // ticket keeps the text and the attachments (under the tenant), so the raw copy goes after a while.
          id: 'expire-raw-inbound-mail',
          prefix: inboundMail.objectKeyPrefix,
          expiration: Duration.days(inboundMail.keepRawDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
    new CfnOutput(this, 'FilesBucketName', { value: this.filesBucket.bucketName });
  }
}
