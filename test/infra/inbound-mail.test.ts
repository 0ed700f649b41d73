import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { inboundMail } from '../../infra/declarations/index.ts';
import { synthesize, type Synthesized } from './support.ts';

/**
 * Support email on AWS (SVC-1): an SES receipt rule set whose one rule scans the mail, stores it under the
 * declared prefix in the files bucket (which lets SES write there, for this account only), then invokes the
 * declared function as an Event; the function retries twice and dead-letters. The local runtime's SMTP
 * listener (infra/local/ses-inbound.ts) reads the same declaration.
 */
let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const resources = (t: ReturnType<Synthesized['templates']['events']['toJSON']>, type: string) =>
  Object.entries(t.Resources as Record<string, { Type: string; Properties: any }>).filter(([, r]) => r.Type === type);

describe('SES receiving for support email', () => {
  it('one rule: scan, store the raw mail under inbound/ in the files bucket, then invoke ticket-inbound-mail as an Event', () => {
    const events = s.templates.events;
    events.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
    const [[, rule]] = resources(events.toJSON(), 'AWS::SES::ReceiptRule') as [[string, any]];
    expect(rule.Properties.Rule).toMatchObject({ Enabled: true, ScanEnabled: true, TlsPolicy: 'Require' });
    const actions = rule.Properties.Rule.Actions;
    expect(actions).toHaveLength(2);
    expect(actions[0].S3Action).toMatchObject({ ObjectKeyPrefix: inboundMail.objectKeyPrefix });
    expect(JSON.stringify(actions[0].S3Action.BucketName)).toContain('FilesBucket');
    expect(actions[1].LambdaAction).toMatchObject({ InvocationType: 'Event' });
    const fnId = actions[1].LambdaAction.FunctionArn['Fn::GetAtt'][0];
    expect(JSON.stringify(events.toJSON().Resources[fnId].Properties)).toContain(inboundMail.target.name);
  });

  it('SES may invoke the function (this account) and may put objects only under inbound/ (this account as the source)', () => {
    s.templates.events.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'ses.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' } });
    const bucketId = s.stacks.data.getLogicalId(s.stacks.data.filesBucket.node.defaultChild as s3.CfnBucket);
    s.templates.data.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 's3:PutObject', Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/${inboundMail.objectKeyPrefix}*`]] },
        })]),
      },
    });
  });

  it('a failed invocation is retried twice, then dead-lettered', () => {
    s.templates.events.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });
});
