import { App, CfnOutput, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from './nag.ts';
import { routes as declaredRoutes, table as declaredTable, units as declaredUnits, type RouteDeclaration, type TableDeclaration, type UnitDeclaration } from '../declarations/index.ts';
import { ApiStack } from './api-stack.ts';
import { AuthStack } from './auth-stack.ts';
import { DataStack } from './data-stack.ts';
import { EmailStack } from './email-stack.ts';
import { EventsStack, realEventDeclarations, type EventDeclarations } from './events-stack.ts';
import { defaultFunctionsDir } from './function.ts';
import { MonitoringStack, queuesIn } from './monitoring-stack.ts';
import { WebStack, defaultWebAssetPath } from './web-stack.ts';

export const STACK_PREFIX = 'Cirrus';

export interface CirrusAppOptions {
  /** Stack name prefix (default Cirrus): stacks are <prefix>Data, Auth, Email, Events, Api, Web. */
  readonly prefix?: string;
  /** Defaults to an environment-agnostic deployment (region from CDK_DEFAULT_REGION when set). */
  readonly env?: Environment;
  readonly functionsDir?: string;
  readonly webAssetPath?: string;
  /** Sender of emails (default: context mailFrom, else no-reply@example.com). */
  readonly mailFrom?: string;
  /** Public URL of the app for links in emails (default: context appUrl; else read from SSM at run time). */
  readonly appUrl?: string;
  /** Declarations; default to infra/declarations. Tests pass small fakes. */
  readonly table?: TableDeclaration;
  readonly routes?: readonly RouteDeclaration[];
  readonly units?: Readonly<Record<string, UnitDeclaration>>;
  readonly events?: EventDeclarations;
  /** Apply cdk-nag AwsSolutionsChecks (default: context nag !== 'false'). */
  readonly nag?: boolean;
}

export interface CirrusStacks {
  readonly data: DataStack;
  readonly auth: AuthStack;
  readonly email: EmailStack;
  readonly events: EventsStack;
  readonly api: ApiStack;
  readonly web: WebStack;
  readonly monitoring: MonitoringStack;
}

/** Builds every Cirrus stack into `app`. Used by bin/cirrus.ts and by test/infra. */
export function createCirrusStacks(app: App, options: CirrusAppOptions = {}): CirrusStacks {
  const prefix = options.prefix ?? STACK_PREFIX;
  const env = options.env ?? (process.env.CDK_DEFAULT_REGION ? { region: process.env.CDK_DEFAULT_REGION } : undefined);
  const common = { env, description: 'Cirrus CRM' };
  const functionsDir = options.functionsDir ?? defaultFunctionsDir;
  const appUrl = options.appUrl ?? (app.node.tryGetContext('appUrl') as string | undefined);
  const appUrlParameterName = `/${prefix.toLowerCase()}/app-url`;

  const tableDeclaration = options.table ?? declaredTable;
  const indexNames = tableDeclaration.globalSecondaryIndexes.map((i) => i.indexName);
  const data = new DataStack(app, `${prefix}Data`, { ...common, tableDeclaration });
  const auth = new AuthStack(app, `${prefix}Auth`, common);
  const email = new EmailStack(app, `${prefix}Email`, { ...common, ...(options.mailFrom ? { mailFrom: options.mailFrom } : {}) });
  const emailSettings = {
    mailFrom: email.mailFrom,
    configurationSetName: email.configurationSetName,
    appUrlParameterName,
    ...(appUrl ? { appUrl } : {}),
  };
  const events = new EventsStack(app, `${prefix}Events`, {
    ...common,
    table: data.table,
    indexNames,
    email: emailSettings,
    filesBucket: data.filesBucket,
    declarations: options.events ?? realEventDeclarations,
    functionsDir,
  });
  events.addStackDependency(email);
  const api = new ApiStack(app, `${prefix}Api`, {
    ...common,
    table: data.table,
    bus: events.bus,
    scheduleGroupName: events.scheduleGroupName,
    schedulerRole: events.schedulerRole,
    scheduleTargetFunctionNames: events.scheduleTargetFunctionNames,
    indexNames,
    email: emailSettings,
    filesBucket: data.filesBucket,
    jwtIssuer: auth.issuerUrl,
    jwtAudience: auth.userPoolClient.userPoolClientId,
    routes: options.routes ?? declaredRoutes,
    units: options.units ?? declaredUnits,
    functionsDir,
  });
  api.addStackDependency(email);
  const web = new WebStack(app, `${prefix}Web`, {
    ...common,
    apiDomainName: api.apiDomainName,
    userPoolId: auth.userPool.userPoolId,
    userPoolClientId: auth.userPoolClient.userPoolClientId,
    webAssetPath: options.webAssetPath ?? (app.node.tryGetContext('webAssetPath') as string | undefined) ?? defaultWebAssetPath,
    appUrlParameterName,
  });

  new CfnOutput(auth, 'UserPoolId', { value: auth.userPool.userPoolId });
  new CfnOutput(auth, 'UserPoolClientId', { value: auth.userPoolClient.userPoolClientId });
  new CfnOutput(auth, 'Region', { value: auth.region });
  new CfnOutput(data, 'TableName', { value: data.table.tableName });

  // Alarms on every function, DLQ, the API and the outbox relay; an email subscription with -c alarmEmail=….
  const monitoring = new MonitoringStack(app, `${prefix}Monitoring`, {
    ...common,
    functions: [...api.functions, ...events.functions].map(([name, f]) => [name, f.fn] as const),
    deadLetterQueues: queuesIn(events, api),
    httpApi: api.httpApi,
    httpStage: api.stage,
    streamConsumers: [[events.forwarder.declaration.name, events.forwarder.fn]],
  });

  const nag = options.nag ?? app.node.tryGetContext('nag') !== 'false';
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { data, auth, email, events, api, web, monitoring };
}
