/**
 * The CDK app (cdk.json runs it with `node --import tsx bin/cirrus.ts`). Environment-agnostic: no AWS
 * account is needed to synthesize; `cdk deploy` takes account and region from the credentials.
 *
 * Context: mailFrom (sender address, verified in SES), appUrl (public URL for links in emails), nag=false.
 */
import { App } from 'aws-cdk-lib';
import { createCirrusStacks } from '../infra/stacks/app.ts';

const app = new App();
createCirrusStacks(app);
app.synth();
