import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledge } from './nag.ts';
import type { Construct } from 'constructs';
import { routeKey, routes as declaredRoutes, unitFunctions, units as declaredUnits, type RouteDeclaration, type UnitDeclaration } from '../declarations/index.ts';
import { CirrusFunction, defaultFunctionsDir, functionArn, type EmailSettings, type FunctionContext } from './function.ts';

/** Stage-wide throttle; each route also gets its declared limits as a RouteSettings entry. */
export const DEFAULT_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export interface ApiStackProps extends StackProps {
  readonly table: dynamodb.ITable;
  /** GSI names of the table (from the table declaration). */
  readonly indexNames: readonly string[];
  readonly bus: events.IEventBus;
  readonly scheduleGroupName: string;
  readonly schedulerRole: iam.IRole;
  /** Declared name → physical Lambda name of each schedule target (from the events stack). */
  readonly scheduleTargetFunctionNames: ReadonlyMap<string, string>;
  readonly email: EmailSettings;
  readonly filesBucket?: s3.IBucket;
  /** JWT issuer (Cognito user pool URL) and audience (the SPA app client id). */
  readonly jwtIssuer: string;
  readonly jwtAudience: string;
  /** Defaults to infra/declarations/routes.ts. */
  readonly routes?: readonly RouteDeclaration[];
  /** Defaults to infra/declarations/units.ts. */
  readonly units?: Readonly<Record<string, UnitDeclaration>>;
  /** Defaults to dist/functions. */
  readonly functionsDir?: string;
}

/**
 * The HTTP API: one HTTP API route per declared route (JWT-authorised unless declared public, throttled per
 * route), integrated with its deploy unit's Lambda. A unit is one function, role, policy, log group, one
 * integration shared by all its routes and one API-scoped invoke permission, so the stack grows by one
 * resource per route, not seven.
 */
export class ApiStack extends Stack {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  /** execute-api host name, the /api/* origin of the CloudFront distribution. */
  readonly apiDomainName: string;
  /** Unit name → its Lambda. */
  readonly functions = new Map<string, CirrusFunction>();
  readonly routes = new Map<string, apigw.HttpRoute>();

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? declaredRoutes;
    const routeKeys = new Set<string>();
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (routeKeys.has(key)) throw new Error(`Route ${key} is declared twice`);
      routeKeys.add(key);
    }

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Cirrus CRM API (served to the SPA through CloudFront under /api/*)',
      createDefaultStage: false,
    });
    this.apiDomainName = `${this.httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`;

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: DEFAULT_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', props.jwtIssuer, {
      authorizerName: 'cognito-id-token',
      jwtAudience: [props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });

    const context: FunctionContext = {
      functionsDir: props.functionsDir ?? defaultFunctionsDir,
      table: props.table,
      indexNames: props.indexNames,
      bus: props.bus,
      scheduleGroupName: props.scheduleGroupName,
      schedulerRole: props.schedulerRole,
      scheduleTargetArns: new Map([...props.scheduleTargetFunctionNames].map(([name, physical]) => [name, functionArn(this, physical)])),
      email: props.email,
      ...(props.filesBucket ? { filesBucket: props.filesBucket } : {}),
    };

    // One Lambda per deploy unit, its access the union of its routes'; one integration and one permission per unit.
    const units: Readonly<Record<string, UnitDeclaration>> = props.units ?? declaredUnits;
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const declaration of unitFunctions(routes, units)) {
      const fn = new CirrusFunction(this, `Unit-${declaration.name}`, { declaration, context });
      this.functions.set(declaration.name, fn);
      integrations.set(declaration.name, new HttpLambdaIntegration(`Integration-${declaration.name}`, fn.fn, { scopePermissionToRoute: false }));
    }

    // CfnStage.RouteSettings is a raw JSON map (route key → settings) rendered as-is: CloudFormation casing.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const r of routes) {
      const key = routeKey(r);
      const id = key.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '-');
      const route = new apigw.HttpRoute(this, `Route-${id}`, {
        httpApi: this.httpApi,
        routeKey: apigw.HttpRouteKey.with(r.path, apigw.HttpMethod[r.method]),
        integration: integrations.get(units[r.unit]!.name)!,
        ...(r.auth === 'jwt' ? { authorizer: this.authorizer } : {}),
      });
      this.routes.set(key, route);
      routeSettings[key] = { ThrottlingRateLimit: r.throttle.rateLimit, ThrottlingBurstLimit: r.throttle.burstLimit };
      this.stage.node.addDependency(route); // RouteSettings may only name routes that exist
      if (r.auth === 'none') {
        acknowledge(route, {
          id: 'AwsSolutions-APIG4',
          reason: `${key} is declared public (auth: 'none' in infra/declarations/routes.ts): unauthenticated callers such as the health probe, the OpenAPI document or partner webhooks that verify an HMAC signature themselves; throttled per route.`,
        });
      }
    }
    const cfnStage = this.stage.node.defaultChild as apigw.CfnStage;
    cfnStage.routeSettings = routeSettings;

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
  }
}
