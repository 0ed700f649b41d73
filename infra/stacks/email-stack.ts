import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';

export const DEFAULT_MAIL_FROM = 'no-reply@example.com';

export interface EmailStackProps extends StackProps {
  /** Sender of every Cirrus email; defaults to context `mailFrom`, else no-reply@example.com. Verify it in SES. */
  readonly mailFrom?: string;
}

/**
 * SES v2 configuration set every Cirrus email goes through (reputation metrics on, sending on).
 * The sending identity (domain or address of MAIL_FROM) is verified by the operator: see docs/deploying.md.
 */
export class EmailStack extends Stack {
  readonly configurationSet: ses.ConfigurationSet;
  readonly configurationSetName: string;
  readonly mailFrom: string;

  constructor(scope: Construct, id: string, props: EmailStackProps = {}) {
    super(scope, id, props);
    this.mailFrom = props.mailFrom ?? (this.node.tryGetContext('mailFrom') as string | undefined) ?? DEFAULT_MAIL_FROM;
    // A literal name, so functions in other stacks reference it without a cross-stack export.
    this.configurationSetName = `${this.stackName}-mail`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: this.configurationSetName,
      sendingEnabled: true,
      reputationMetrics: true,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
  }
}
