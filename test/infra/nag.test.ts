import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { AwsSolutionsChecks, listAcknowledgements } from '../../infra/stacks/nag.ts';
import { synthesize, type Synthesized } from './support.ts';

/** cdk-nag AwsSolutions over every stack of the real app: nothing unacknowledged, every acknowledgement reasoned. */
let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

describe('cdk-nag AwsSolutionsChecks', () => {
  it('reports zero errors and zero warnings on all stacks', () => {
    // The monitoring stack (alarm topic, its KMS key, alarms, dashboard) is one of them.
    expect(Object.keys(s.stacks)).toContain('monitoring');
    const report = new AwsSolutionsChecks(s.app).validateScope(s.app);
    const findings = report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('does find problems when they exist (the check is live)', () => {
    const app = new App();
    const stack = new Stack(app, 'Bad');
    new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }),
    );
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-IAM5[Action::dynamodb:*]', 'AwsSolutions-IAM5[Resource::*]']),
    );
  });

  it('every acknowledgement names a specific rule (or finding) and gives a specific reason', () => {
    const acks = listAcknowledgements(s.app).filter((a) => a.id.startsWith('AwsSolutions-'));
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.id, a.path).toMatch(/^AwsSolutions-[A-Z]+[0-9]+(\[.+\])?$/);
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThanOrEqual(60);
    }
    // IAM5 is only ever acknowledged finding by finding, never wholesale.
    expect(acks.filter((a) => a.id === 'AwsSolutions-IAM5')).toEqual([]);
  });

  it('acknowledgements sit on resources, not on whole stacks or the app', () => {
    const stackPaths = new Set(Object.values(s.stacks).map((st) => st.node.path));
    for (const a of listAcknowledgements(s.app)) {
      expect(stackPaths.has(a.path), `${a.id} on ${a.path}`).toBe(false);
      expect(a.path).not.toBe('');
    }
  });

  it('the acknowledged rules are exactly the reviewed set', () => {
    const ids = [...new Set(listAcknowledgements(s.app).filter((a) => a.id.startsWith('AwsSolutions-')).map((a) => a.id.replace(/\[.*$/, '')))].sort();
    expect(ids).toEqual([
      'AwsSolutions-APIG4', // public routes (health, openapi, signed webhooks, public forms)
      'AwsSolutions-CFR1', // no geo restriction
      'AwsSolutions-CFR2', // no WAF by default (fixed monthly cost)
      'AwsSolutions-CFR4', // default CloudFront certificate
      'AwsSolutions-COG2', // MFA optional
      'AwsSolutions-COG8', // Cognito PLUS plan not by default
      'AwsSolutions-IAM4', // BucketDeployment provider (aws-cdk-lib)
      'AwsSolutions-IAM5', // X-Ray/ListStreams Resource::*, BucketDeployment, schedules and SES identities
      'AwsSolutions-L1', // Node 22 pinned; BucketDeployment provider runtime
      'AwsSolutions-S1', // the log bucket itself
      'AwsSolutions-SQS3', // DLQs have no DLQ
    ]);
  });
});
