import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../contracts/roles.ts';
import { routes, streamForwarder, table, unitFunctions } from '../../infra/declarations/index.ts';
import { createCirrusStacks } from '../../infra/stacks/app.ts';
import { DEFAULT_THROTTLE } from '../../infra/stacks/api-stack.ts';
import { FORWARDER_RETRY_ATTEMPTS } from '../../infra/stacks/events-stack.ts';
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_SECONDS } from '../../infra/stacks/function.ts';
import { FORM_PREVIEW_STYLE_HASH, PERMISSIONS_POLICY } from '../../infra/stacks/web-stack.ts';
import { cdkContext, placeholderFunctions, synthesize, type Synthesized } from './support.ts';

/** The real declarations, synthesized once. */
let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const resourcesOf = (t: Template, type: string) => Object.entries(t.findResources(type)) as [string, { Properties: any; DeletionPolicy?: string; DependsOn?: string[] }][];
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('data stack', () => {
  it('creates one on-demand table with the declared keys, PITR, deletion protection, stream and TTL, retained', () => {
    const t = s.templates.data;
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
        SSESpecification: { SSEEnabled: true },
      }),
    });
  });

  it('has every declared GSI with ALL projection', () => {
    const [, tableResource] = resourcesOf(s.templates.data, 'AWS::DynamoDB::Table')[0]!;
    const gsis = tableResource.Properties.GlobalSecondaryIndexes as any[];
    expect(gsis).toHaveLength(table.globalSecondaryIndexes.length);
    for (const g of gsis) expect(g.Projection).toEqual({ ProjectionType: 'ALL' });
  });
});

describe('auth stack', () => {
  it('user pool: admin-created users only, email sign-in, strong passwords, optional TOTP MFA, immutable custom:tenantId', () => {
    const t = s.templates.auth;
    t.resourceCountIs('AWS::Cognito::UserPool', 1);
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'tenantId', AttributeDataType: 'String', Mutable: false })]),
      DeletionProtection: 'ACTIVE',
    });
  });

  it('has one group per role', () => {
    const groups = resourcesOf(s.templates.auth, 'AWS::Cognito::UserPoolGroup')
      .map(([, r]) => r.Properties)
      .sort((a, b) => a.Precedence - b.Precedence)
      .map((g) => g.GroupName);
    expect(groups).toEqual([...ROLES]);
  });

  it('SPA client: no secret, USER_PASSWORD_AUTH + SRP + refresh, reads custom:tenantId', () => {
    s.templates.auth.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
      ReadAttributes: Match.arrayWith(['custom:tenantId', 'email']),
    });
  });
});

describe('api stack', () => {
  const unitFns = unitFunctions(routes);

  it('one arm64 nodejs22.x function per deploy unit, code from its bundle, X-Ray on, JSON logs to its own log group', () => {
    const fns = resourcesOf(s.templates.api, 'AWS::Lambda::Function');
    expect(fns).toHaveLength(unitFns.length);
    for (const [, fn] of fns) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: expect.anything() },
      });
    }
    s.templates.api.resourceCountIs('AWS::Logs::LogGroup', unitFns.length + 1); // + access logs
  });

  it('memory and timeout come from the declaration or the defaults', () => {
    const fns = resourcesOf(s.templates.api, 'AWS::Lambda::Function');
    for (const r of unitFns) {
      const match = fns.find(([, fn]) => String(fn.Properties.Description).startsWith(`Cirrus ${r.name} (`));
      expect(match, r.name).toBeDefined();
      expect(match![1].Properties.MemorySize).toBe(r.memoryMb ?? DEFAULT_MEMORY_MB);
      expect(match![1].Properties.Timeout).toBe(r.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
    }
  });

  it('every function gets the shared environment', () => {
    for (const [, fn] of resourcesOf(s.templates.api, 'AWS::Lambda::Function')) {
      const env = fn.Properties.Environment.Variables;
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining(['TABLE_NAME', 'EVENT_BUS_NAME', 'SCHEDULE_GROUP_NAME', 'SCHEDULER_ROLE_ARN', 'POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS']),
      );
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('cirrus-crm');
    }
  });

  it('one JWT authorizer: Cognito issuer, SPA client audience, Authorization header', () => {
    const t = s.templates.api;
    t.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    const [, authorizer] = resourcesOf(t, 'AWS::ApiGatewayV2::Authorizer')[0]!;
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer)).toContain('https://cognito-idp.');
    expect(authorizer.Properties.JwtConfiguration.Audience).toHaveLength(1);
  });

  it('jwt routes use the authorizer, public routes have none', () => {
    const byKey = new Map(resourcesOf(s.templates.api, 'AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties]));
    for (const r of routes) {
      const props = byKey.get(`${r.method} ${r.path}`);
      expect(props, `${r.method} ${r.path}`).toBeDefined();
      if (r.auth === 'jwt') {
        expect(props.AuthorizationType).toBe('JWT');
        expect(props.AuthorizerId).toBeDefined();
      } else {
        expect(props.AuthorizationType).toBe('NONE');
        expect(props.AuthorizerId).toBeUndefined();
      }
    }
  });

  it('$default stage: auto-deploy, access logs, stage throttle and per-route throttle keyed by route key', () => {
    const [, stage] = resourcesOf(s.templates.api, 'AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AutoDeploy).toBe(true);
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
    expect(stage.Properties.AccessLogSettings.Format).toContain('$context.requestId');
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: DEFAULT_THROTTLE.rateLimit,
      ThrottlingBurstLimit: DEFAULT_THROTTLE.burstLimit,
    });
    for (const r of routes) {
      expect(stage.Properties.RouteSettings[`${r.method} ${r.path}`]).toEqual({
        ThrottlingRateLimit: r.throttle.rateLimit,
        ThrottlingBurstLimit: r.throttle.burstLimit,
      });
    }
    expect(stage.DependsOn?.length).toBeGreaterThanOrEqual(routes.length); // route settings need the routes first
  });

  it('least privilege: a unit has the union of its routes\' access and no more, no function can Scan, index access is per index (no index/*)', () => {
    const t = s.templates.api;
    const policies = resourcesOf(t, 'AWS::IAM::Policy');
    const json = JSON.stringify(policies);
    expect(json).not.toContain('dynamodb:Scan');
    expect(json).not.toContain('/index/*');
    const actionsOf = (unit: string) => {
      const fnEntry = resourcesOf(t, 'AWS::Lambda::Function').find(([, fn]) => String(fn.Properties.Description).startsWith(`Cirrus ${unit} (`))!;
      const roleRef = fnEntry[1].Properties.Role['Fn::GetAtt'][0];
      return policies
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleRef))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement.flatMap((st: any) => [st.Action].flat()));
    };
    // platform serves only public documents: no table access at all.
    expect(actionsOf('platform').filter((a: string) => a.startsWith('dynamodb:'))).toEqual([]);
    // sales writes opportunities through the record kernel (one transaction, the outbox forwarded from the
    // stream): it reads and writes the table; beyond it, only the forecast email's schedule (settings) and
    // "send it now" (mail) — never the bus or the files.
    const sales = unitFns.find((u) => u.name === 'sales')!;
    expect(sales.access.table).toBe('readwrite');
    const actions = actionsOf(sales.name);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem']));
    expect(actions.filter((a: string) => !a.startsWith('dynamodb:') && !a.startsWith('logs:') && !a.startsWith('xray:')).sort()).toEqual([
      'iam:PassRole', 'scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule', 'ses:SendEmail', 'ssm:GetParameter',
    ]);
    // records (accounts, contacts, custom objects) reaches nothing beyond the table.
    expect(actionsOf('records').filter((a: string) => !a.startsWith('dynamodb:') && !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([]);
  });

  it('all routes of a unit share one integration and one API-scoped invoke permission', () => {
    const t = s.templates.api;
    const integrations = resourcesOf(t, 'AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(unitFns.length);
    const permissions = resourcesOf(t, 'AWS::Lambda::Permission');
    expect(permissions).toHaveLength(unitFns.length);
    for (const [, p] of permissions) expect(JSON.stringify(p.Properties.SourceArn)).toContain('/*/*/*');
    const byIntegration = new Map<string, string[]>();
    for (const [, r] of resourcesOf(t, 'AWS::ApiGatewayV2::Route')) {
      const target = JSON.stringify(r.Properties.Target);
      byIntegration.set(target, [...(byIntegration.get(target) ?? []), r.Properties.RouteKey]);
    }
    expect(byIntegration.size).toBe(unitFns.length);
    // The routes of the records unit all go to one integration.
    const recordsRoutes = routes.filter((r) => r.unit === 'records').map((r) => `${r.method} ${r.path}`).sort();
    expect([...byIntegration.values()].map((keys) => keys.sort())).toContainEqual(recordsRoutes);
  });

  it('outputs ApiUrl', () => {
    s.templates.api.hasOutput('ApiUrl', {});
  });
});

describe('events stack', () => {
  it('custom bus and the stream forwarder fed by the table stream: TRIM_HORIZON, batch 100, bisect, partial failures, retries, DLQ, outbox filter', () => {
    const t = s.templates.events;
    t.resourceCountIs('AWS::Events::EventBus', 1);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: FORWARDER_RETRY_ATTEMPTS,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamForwarderDLQ'), 'Arn'] } } },
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { sk: { S: ['~event'] } } } }) }],
      },
    });
  });

  it('the forwarder may put events on this bus only', () => {
    const t = s.templates.events;
    const statements = resourcesOf(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const put = statements.filter((st: any) => [st.Action].flat().includes('events:PutEvents'));
    // The stream forwarder's and the SES forwarding rule's role: both onto the Cirrus bus, nowhere else.
    expect(put).toHaveLength(2);
    for (const st of put) expect(JSON.stringify(st.Resource)).toContain('CirrusBus');
    const forwarder = resourcesOf(t, 'AWS::Lambda::Function').find(([, fn]) => String(fn.Properties.Description).startsWith(`Cirrus ${streamForwarder.name} (`));
    expect(forwarder![1].Properties.Timeout).toBe(streamForwarder.timeoutSeconds);
  });

  it('schedule group, and a role only EventBridge Scheduler (of this account) can assume', () => {
    const t = s.templates.events;
    t.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ],
      },
    });
  });

  it('dead-letter queues are encrypted and refuse non-TLS access', () => {
    const t = s.templates.events;
    const queues = resourcesOf(t, 'AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(2); // forwarder + schedules
    for (const [, q] of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = resourcesOf(t, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(queues.length);
    for (const [, p] of policies) {
      expect(p.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      );
    }
  });

  it('outputs EventBusName', () => {
    s.templates.events.hasOutput('EventBusName', {});
  });

  it('SES events: the configuration set publishes to the default bus, and a rule there forwards aws.ses to the Cirrus bus with a DLQ', () => {
    const t = s.templates.events;
    t.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: s.stacks.email.configurationSetName,
      EventDestination: { Enabled: true, MatchingEventTypes: ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'OPEN', 'CLICK'] },
    });
    const [, destination] = resourcesOf(t, 'AWS::SES::ConfigurationSetEventDestination')[0]!;
    expect(JSON.stringify(destination.Properties.EventDestination.EventBridgeDestination.EventBusArn)).toContain(':event-bus/default');
    const forwarding = resourcesOf(t, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern?.source?.[0] === 'aws.ses' && r.Properties.EventBusName === 'default');
    expect(forwarding).toHaveLength(1);
    const [, rule] = forwarding[0]!;
    expect(rule.Properties.Targets).toHaveLength(1);
    expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toContain('CirrusBus');
    expect(rule.Properties.Targets[0].DeadLetterConfig).toBeDefined();
    expect(rule.Properties.Targets[0].RoleArn).toBeDefined();
    // On the Cirrus bus, the email-events consumer takes them.
    const onCirrus = resourcesOf(t, 'AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern?.source?.[0] === 'aws.ses' && JSON.stringify(r.Properties.EventBusName ?? '').includes('CirrusBus'));
    expect(onCirrus).toHaveLength(1);
  });
});

describe('email stack', () => {
  it('SES configuration set with sending and reputation metrics on, TLS required', () => {
    s.templates.email.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SendingOptions: { SendingEnabled: true },
      ReputationOptions: { ReputationMetricsEnabled: true },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    });
    expect(s.stacks.email.mailFrom).toBe('crm@example.org'); // context mailFrom
  });
});

describe('web stack', () => {
  it('private, encrypted, TLS-only site bucket with access logs', () => {
    const t = s.templates.web;
    const buckets = resourcesOf(t, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(2);
    for (const [, b] of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.BucketEncryption).toBeDefined();
    }
    const site = buckets.find(([id]) => id.startsWith('SiteBucket'))!;
    expect(site[1].Properties.LoggingConfiguration.DestinationBucketName).toBeDefined();
    for (const [, p] of resourcesOf(t, 'AWS::S3::BucketPolicy')) {
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('CloudFront with OAC on S3, index.html root, SPA function on the default behaviour only, /api/* to the HTTP API uncached', () => {
    const t = s.templates.web;
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const [, dist] = resourcesOf(t, 'AWS::CloudFront::Distribution')[0]!;
    const config = dist.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.CustomErrorResponses).toBeUndefined(); // no 403/404 → index.html that would swallow API errors
    const s3Origin = config.Origins.find((o: any) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: expect.anything() },
    ]);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.CacheBehaviors).toHaveLength(1);
    const api = config.CacheBehaviors[0];
    expect(api).toMatchObject({
      PathPattern: '/api/*',
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'https-only',
    });
    expect(api.FunctionAssociations).toBeUndefined();
    expect(api.ResponseHeadersPolicyId).toEqual(config.DefaultCacheBehavior.ResponseHeadersPolicyId);
    const apiOrigin = config.Origins.find((o: any) => o.Id === api.TargetOriginId);
    expect(apiOrigin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
    expect(config.Logging).toBeDefined();
  });

  it('the SPA routing function rewrites app routes but not files', () => {
    const [, fn] = resourcesOf(s.templates.web, 'AWS::CloudFront::Function')[0]!;
    const code = fn.Properties.FunctionCode as string;
    const handler = new Function(`${code}; return handler;`)() as (e: any) => { uri: string };
    expect(handler({ request: { uri: '/accounts/123' } }).uri).toBe('/index.html');
    expect(handler({ request: { uri: '/' } }).uri).toBe('/index.html');
    expect(handler({ request: { uri: '/assets/app-1a2b.js' } }).uri).toBe('/assets/app-1a2b.js');
    expect(handler({ request: { uri: '/config.json' } }).uri).toBe('/config.json');
  });

  it('security headers: HSTS, CSP allowing self and Cognito, nosniff, DENY frames, referrer policy, Permissions-Policy', () => {
    const [, policy] = resourcesOf(s.templates.web, 'AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const h = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(h.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true });
    expect(h.ContentTypeOptions).toEqual({ Override: true });
    expect(h.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(h.ReferrerPolicy.ReferrerPolicy).toBe('strict-origin-when-cross-origin');
    const csp = JSON.stringify(h.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("connect-src 'self' https://cognito-idp.");
    expect(csp).toContain("frame-ancestors 'none'");
    // Styles: no inline <style> elements (only the form preview's, by hash); style= attributes allowed.
    const directives = new Map(csp.replace(/^"|"$/g, '').split('; ').map((d) => [d.split(' ')[0], d] as const));
    expect(directives.get('style-src')).toBe("style-src 'self'");
    expect(directives.get('style-src-elem')).toBe(`style-src-elem 'self' ${FORM_PREVIEW_STYLE_HASH}`);
    expect(directives.get('style-src-attr')).toBe("style-src-attr 'unsafe-inline'");
    expect(directives.get('script-src')).toBe("script-src 'self'");
    // Permissions-Policy: powerful features off, the clipboard writable by the app (copy buttons).
    const custom = policy.Properties.ResponseHeadersPolicyConfig.CustomHeadersConfig.Items;
    expect(custom).toEqual([{ Header: 'Permissions-Policy', Value: PERMISSIONS_POLICY, Override: true }]);
    const features = new Map(PERMISSIONS_POLICY.split(', ').map((f) => f.split('=') as [string, string]));
    for (const f of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'serial', 'hid', 'display-capture']) expect(features.get(f), f).toBe('()');
    expect(features.get('clipboard-write')).toBe('(self)');
  });

  it('the CSP hash of the form preview\'s <style> is the one FormsAdmin.vue renders into its srcdoc', () => {
    // previewDoc joins string literals with '\n'; the <style> element spans the ones from '<style> to </style>.
    const lines = readFileSync(path.resolve(import.meta.dirname, '../../frontend/src/views/admin/FormsAdmin.vue'), 'utf8').split('\n');
    const start = lines.findIndex((l) => l.trim().startsWith("'<style>"));
    const end = lines.findIndex((l, i) => i >= start && l.includes('</style>'));
    expect(start).toBeGreaterThan(0);
    const text = lines.slice(start, end + 1).map((l) => new Function(`return ${l.trim().replace(/,$/, '')}`)() as string).join('\n');
    const css = text.slice(text.indexOf('<style>') + '<style>'.length, text.indexOf('</style>'));
    expect(css).toContain('body{');
    expect(FORM_PREVIEW_STYLE_HASH).toBe(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
  });

  it('deploys the web build plus a generated config.json and invalidates the distribution', () => {
    const t = s.templates.web;
    const [, deployment] = resourcesOf(t, 'Custom::CDKBucketDeployment')[0]!;
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    expect(deployment.Properties.DistributionId).toBeDefined();
    // config.json's values are deploy-time tokens, substituted through markers: the region and the user pool's ids.
    const markers = JSON.stringify(deployment.Properties.SourceMarkers);
    expect(markers).toContain('"Ref":"AWS::Region"');
    expect(markers).toMatch(/UserPool[0-9A-F]{8}/);
    expect(markers).toMatch(/UserPoolWebClient/);
    t.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cirrus/app-url', Type: 'String' });
  });

  it('refuses to synthesize without a web build', () => {
    const app = new App({ context: cdkContext });
    const empty = mkdtempSync(path.join(tmpdir(), 'cirrus-noweb-'));
    expect(existsSync(path.join(empty, 'index.html'))).toBe(false);
    expect(() => createCirrusStacks(app, { functionsDir: placeholderFunctions(), webAssetPath: empty, nag: false })).toThrow(
      /run npm run build first/,
    );
  });
});

describe('outputs', () => {
  it('AppUrl, ApiUrl, UserPoolId, UserPoolClientId, Region, TableName, EventBusName', () => {
    s.templates.web.hasOutput('AppUrl', {});
    s.templates.api.hasOutput('ApiUrl', {});
    s.templates.auth.hasOutput('UserPoolId', {});
    s.templates.auth.hasOutput('UserPoolClientId', {});
    s.templates.auth.hasOutput('Region', {});
    s.templates.data.hasOutput('TableName', {});
    s.templates.events.hasOutput('EventBusName', {});
  });
});
