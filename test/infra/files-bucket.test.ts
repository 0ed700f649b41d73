import { App, Fn, Names, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { TMP_TAG } from '../../functions/commons/s3.ts';
import { DataStack, FILES_CORS_FALLBACK_ORIGIN, NONCURRENT_VERSION_DAYS, TMP_EXPIRY_DAYS, TMP_OBJECT_TAG } from '../../infra/stacks/data-stack.ts';
import { FILES_READ_ACTIONS, FILES_WRITE_ACTIONS, grantFiles } from '../../infra/stacks/files-access.ts';
import { AwsSolutionsChecks, listAcknowledgements } from '../../infra/stacks/nag.ts';
import { cdkContext, synthesize, type Synthesized } from './support.ts';

/** The tenant files bucket (data stack) and the per-unit access of files-access.ts. */
let s: Synthesized;
let data: Template;
let filesBucketId: string;
let logsBucketId: string;

beforeAll(() => {
  s = synthesize();
  data = s.templates.data;
  filesBucketId = s.stacks.data.getLogicalId(s.stacks.data.filesBucket.node.defaultChild as s3.CfnBucket);
  logsBucketId = s.stacks.data.getLogicalId(s.stacks.data.filesLogsBucket.node.defaultChild as s3.CfnBucket);
});

const nagFindings = (app: App) =>
  new AwsSolutionsChecks(app).validateScope(app).violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

describe('files bucket', () => {
  it('is private, SSE-S3 encrypted, versioned, owner-enforced and retained', () => {
    const bucket = data.toJSON().Resources[filesBucketId];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('refuses plain HTTP and TLS below 1.2 for everyone (bucket policy)', () => {
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: filesBucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('logs every access to its own log bucket (which expires logs and is acknowledged for S1 only)', () => {
    expect(data.toJSON().Resources[filesBucketId].Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsBucketId }, LogFilePrefix: 'files/' });
    const logs = data.toJSON().Resources[logsBucketId];
    expect(logs.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 90, Status: 'Enabled' });
    const acks = listAcknowledgements(s.stacks.data).filter((a) => a.id.startsWith('AwsSolutions-'));
    expect(acks.map((a) => [a.path, a.id])).toEqual([[s.stacks.data.filesLogsBucket.node.path, 'AwsSolutions-S1']]);
  });

  it('lifecycle: abandoned multipart uploads after 1 day, old versions after 30, tagged temporary objects after 2, raw inbound mail after 30', () => {
    const rules = data.toJSON().Resources[filesBucketId].Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Id: 'abort-incomplete-multipart-uploads', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        expect.objectContaining({ Id: 'expire-noncurrent-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS }, ExpiredObjectDeleteMarker: true }),
        expect.objectContaining({ Id: 'expire-temporary-objects', Status: 'Enabled', ExpirationInDays: TMP_EXPIRY_DAYS, TagFilters: [{ Key: 'cirrus-lifecycle', Value: 'tmp' }], NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
        // SES receiving's raw mails (no tenant prefix: the tenant is known only once the mail is read).
        expect.objectContaining({ Id: 'expire-raw-inbound-mail', Status: 'Enabled', Prefix: 'inbound/', ExpirationInDays: 30 }),
      ]),
    );
    // No rule may carry a whole-bucket Expiration: tenant files live until deleted.
    expect(rules.filter((r) => r.ExpirationInDays !== undefined && !r.TagFilters && r.Prefix !== 'inbound/')).toEqual([]);
  });

  it('the lifecycle tag is the one functions write (functions/commons/s3.ts)', () => {
    expect(TMP_TAG).toEqual(TMP_OBJECT_TAG);
  });

  it('CORS admits presigned GET/PUT from the app origin only — never "*"', () => {
    const cors = data.toJSON().Resources[filesBucketId].Properties.CorsConfiguration.CorsRules;
    expect(cors).toEqual([
      expect.objectContaining({ AllowedMethods: ['GET', 'HEAD', 'PUT'], AllowedOrigins: [FILES_CORS_FALLBACK_ORIGIN], ExposedHeaders: expect.arrayContaining(['ETag']) }),
    ]);
    expect(JSON.stringify(cors)).not.toMatch(/"\*"/);

    const app = new App({ context: { ...cdkContext, appUrl: 'https://crm.example.com/some/path' } });
    const stack = new DataStack(app, 'CorsData');
    const rules = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(stack.filesBucket.node.defaultChild as s3.CfnBucket)].Properties.CorsConfiguration.CorsRules;
    expect(rules[0].AllowedOrigins).toEqual(['https://crm.example.com']);
  });

  it('exports the bucket name as a stack output', () => {
    data.hasOutput('FilesBucketName', { Value: { Ref: filesBucketId } });
  });
});

describe('grantFiles (per deploy unit)', () => {
  let app: App;
  let consumer: Stack;
  let template: Template;
  let dataStack: DataStack;
  const exportName = () => `${dataStack.stackName}-${dataStack.node.id}FilesBucket`;

  beforeAll(() => {
    app = new App({ context: cdkContext });
    dataStack = new DataStack(app, 'GrantData');
    consumer = new Stack(app, 'GrantUnits');
    const principal = new iam.ServicePrincipal('lambda.amazonaws.com');
    grantFiles(new iam.Role(consumer, 'ReaderRole', { assumedBy: principal }), dataStack.filesBucket, 'read');
    grantFiles(new iam.Role(consumer, 'WriterRole', { assumedBy: principal }), dataStack.filesBucket, 'readwrite');
    grantFiles(new iam.Role(consumer, 'OtherWriterRole', { assumedBy: principal }), dataStack.filesBucket, 'readwrite');
    template = Template.fromStack(consumer);
  });

  const statementsOf = (roleId: string) => {
    const policies = template.findResources('AWS::IAM::Policy');
    const [policy] = Object.values(policies).filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref.startsWith(roleId)));
    return (policy as any).Properties.PolicyDocument.Statement as { Sid: string; Action: string | string[]; Resource: unknown }[];
  };
  const objects = () => ({ 'Fn::Join': ['', [{ 'Fn::ImportValue': expect.stringMatching(new RegExp(`^${exportName()}[0-9A-F]{8}-Arn$`)) }, '/*']] });

  it('read: GetObject on bucket/* and ListBucket on the bucket, nothing else', () => {
    expect(statementsOf('ReaderRole')).toEqual([
      { Sid: 'TenantFilesRead', Effect: 'Allow', Action: 's3:GetObject', Resource: objects() },
      { Sid: 'TenantFilesList', Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::ImportValue': expect.stringMatching(/-Arn$/) } },
    ]);
  });

  it('readwrite: also Put/Delete/AbortMultipartUpload (and the tagging and ListParts they need) on bucket/*', () => {
    const [objectsStatement, list] = statementsOf('WriterRole');
    expect(objectsStatement).toEqual({ Sid: 'TenantFilesReadWrite', Effect: 'Allow', Action: [...FILES_READ_ACTIONS, ...FILES_WRITE_ACTIONS].sort(), Resource: objects() });
    expect(objectsStatement!.Action).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']));
    expect(JSON.stringify(objectsStatement!.Action)).not.toMatch(/\*/);
    expect(list!.Action).toBe('s3:ListBucket');
  });

  it('crosses stacks through one named export of the data stack (shared by every unit)', () => {
    const outputs = Object.values(Template.fromStack(dataStack).findOutputs('*')).filter((o: any) => o.Export);
    expect(outputs).toHaveLength(1);
    expect((outputs[0] as any).Export.Name).toMatch(new RegExp(`^${exportName()}[0-9A-F]{8}-Arn$`));
  });

  it('cdk-nag is clean: the objects wildcard is acknowledged with exactly the finding cdk-nag reports', () => {
    expect(nagFindings(app)).toEqual([]);
    // Without the acknowledgement the same statement is an IAM5 finding with exactly that id.
    const bare = new App({ context: cdkContext });
    const bareData = new DataStack(bare, 'GrantData');
    const units = new Stack(bare, 'GrantUnits');
    const role = new iam.Role(units, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    grantFiles(role, bareData.filesBucket, 'read');
    const ack = listAcknowledgements(role).find((a) => a.id.startsWith('AwsSolutions-IAM5['));
    expect(ack?.id).toMatch(/^AwsSolutions-IAM5\[Resource::GrantData-GrantDataFilesBucket[0-9A-F]{8}-Arn\/\*\]$/);
    const unacknowledged = new iam.Role(units, 'Unacknowledged', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    unacknowledged.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${Fn.importValue(`GrantData-${Names.uniqueId(bareData.filesBucket)}-Arn`)}/*`] }));
    const report = new AwsSolutionsChecks(bare).validateScope(bare);
    expect(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)])).toEqual([[ack!.id, [`${unacknowledged.node.path}/DefaultPolicy/Resource`]]]);
  });

  it('a KMS-encrypted bucket also gets the key, only through S3', () => {
    const kmsApp = new App({ context: cdkContext });
    const stack = new Stack(kmsApp, 'Kms');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Encrypted', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    grantFiles(reader, bucket, 'read');
    grantFiles(writer, bucket, 'readwrite');
    const t = Template.fromStack(stack);
    const viaS3 = { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } } };
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(reader.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'TenantFilesKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] }, Condition: viaS3 }]) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(writer.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'TenantFilesKey', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: viaS3 })]) },
    });
  });
});
