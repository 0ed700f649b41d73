import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { allFunctions, routeKey, routes, rules, scheduleTargets, schedules, table, unitFunctions, units } from '../../infra/declarations/index.ts';
import { sesEventForwarding } from '../../infra/declarations/marketing-consent.ts';
import { synthesize, type Synthesized } from './support.ts';

/**
 * The declarations are the single source of truth for the CDK stacks and the local runtime:
 * prove the synthesized templates say exactly what infra/declarations says.
 */
let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const resourcesOf = (t: Template, type: string) => Object.values(t.findResources(type)) as { Properties: any }[];

describe('declarations agree with the templates', () => {
  it('every declared route is an HTTP API route with its key and authorization type, and there are no others', () => {
    const synthesized = resourcesOf(s.templates.api, 'AWS::ApiGatewayV2::Route')
      .map((r) => `${r.Properties.RouteKey} ${r.Properties.AuthorizationType}`)
      .sort();
    const declared = routes.map((r) => `${r.method} ${r.path} ${r.auth === 'jwt' ? 'JWT' : 'NONE'}`).sort();
    expect(synthesized).toEqual(declared);
  });

  it('every route integrates its unit\'s function (Lambda proxy, payload 2.0), one integration per unit', () => {
    const integrations = resourcesOf(s.templates.api, 'AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(unitFunctions(routes).length);
    for (const i of integrations) expect(i.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  it('the table key schema and GSIs equal the table declaration', () => {
    const [t] = resourcesOf(s.templates.data, 'AWS::DynamoDB::Table');
    expect(t!.Properties.KeySchema).toEqual([
      { AttributeName: table.partitionKey, KeyType: 'HASH' },
      { AttributeName: table.sortKey, KeyType: 'RANGE' },
    ]);
    const gsis = (t!.Properties.GlobalSecondaryIndexes as any[]).map((g) => ({
      indexName: g.IndexName,
      partitionKey: g.KeySchema.find((k: any) => k.KeyType === 'HASH').AttributeName,
      sortKey: g.KeySchema.find((k: any) => k.KeyType === 'RANGE').AttributeName,
    }));
    expect(gsis).toEqual(table.globalSecondaryIndexes);
    expect(t!.Properties.TimeToLiveSpecification.AttributeName).toBe(table.timeToLiveAttribute);
    expect(t!.Properties.StreamSpecification.StreamViewType).toBe(table.streamViewType);
    const attributes = (t!.Properties.AttributeDefinitions as any[]).map((a) => a.AttributeName).sort();
    const keys = [table.partitionKey, table.sortKey, ...table.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])];
    expect(attributes).toEqual([...new Set(keys)].sort());
  });

  it('one EventBridge rule per declared rule (plus the default bus\'s SES forwarding, as the local runtime applies it), one schedule per declared schedule', () => {
    const deployed = resourcesOf(s.templates.events, 'AWS::Events::Rule');
    expect(deployed.filter((r) => r.Properties.EventBusName !== 'default')).toHaveLength(rules.length);
    expect(deployed.filter((r) => r.Properties.EventBusName === 'default').map((r) => r.Properties.EventPattern)).toEqual([sesEventForwarding.eventPattern]);
    expect(resourcesOf(s.templates.events, 'AWS::Scheduler::Schedule')).toHaveLength(schedules.length);
  });

  it('every declared function is exactly one Lambda across the stacks', () => {
    const descriptions = [s.templates.api, s.templates.events]
      .flatMap((t) => resourcesOf(t, 'AWS::Lambda::Function'))
      .map((f) => String(f.Properties.Description))
      .filter((d) => d.startsWith('Cirrus '));
    const names = descriptions.map((d) => d.split(' ')[1]).sort();
    expect(names).toEqual(allFunctions().map((f) => f.name).sort());
    for (const t of scheduleTargets) expect(names).toContain(t.name);
  });

  it('each unit\'s router serves exactly the routes declared for that unit, keyed by route key', async () => {
    for (const unit of Object.values(units)) {
      const mod = (await import(/* @vite-ignore */ `../../${unit.entry}`)) as { routes: Record<string, unknown>; handler: unknown };
      expect(typeof mod.handler, unit.entry).toBe('function');
      const declared = routes.filter((r) => r.unit === unit.name).map(routeKey).sort();
      expect(Object.keys(mod.routes).sort(), unit.name).toEqual(declared);
    }
  });

  it('every route names a declared unit, and every unit serves a route', () => {
    for (const r of routes) expect(Object.keys(units), `${r.name}`).toContain(r.unit);
    expect(new Set(routes.map((r) => r.unit))).toEqual(new Set(Object.keys(units)));
  });
});
