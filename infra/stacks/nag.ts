/**
 * cdk-nag 3 glue. cdk-nag 3 reports through CDK's validation plugins (Validations.of(app).addPlugins) and reads
 * acknowledgements recorded with Validations.of(construct).acknowledge(). Findings of rules that report several
 * (IAM4, IAM5) are acknowledged one by one as `RuleId[Finding]`, e.g. `AwsSolutions-IAM5[Resource::*]`.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
// CommonJS with re-exports Node's ESM loader cannot detect by name: take them off the default export.
import cdkNag from 'cdk-nag';
import flatten from 'cdk-nag/lib/utils/flatten-cfn-reference.js';

export const { AwsSolutionsChecks } = cdkNag;
export const nagRules = cdkNag.rules;

export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** Acknowledges (suppresses) findings on a construct and everything below it, each with its reason. */
export function acknowledge(scope: IConstruct, ...rules: Acknowledgement[]): void {
  Validations.of(scope).acknowledge(...rules);
}

/** The IAM5 finding id cdk-nag reports for a wildcard resource ARN built in `scope`'s stack. */
export function iam5ResourceFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten.flattenCfnReference(Stack.of(scope).resolve(arn))}]`;
}

/** Every acknowledgement recorded in a construct tree (for the audit test and docs). */
export function listAcknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return out;
}
