import { beforeAll, describe, expect, it } from 'vitest';
import { allFunctions, unitFunctions, type RouteDeclaration, type UnitDeclaration } from '../../infra/declarations/index.ts';
import { synthesize, type Synthesized } from './support.ts';

/**
 * The CloudFormation budget (architecture rule 3): every stack stays under 400 resources (the hard limit is
 * 500) and 800 KB of template (the limit is 1 MB), today and at the HTTP API's quota of 300 routes.
 */
const MAX_RESOURCES = 400;
const MAX_TEMPLATE_BYTES = 800 * 1024;

function budgetOf(s: Synthesized) {
  return Object.entries(s.templates).map(([stack, t]) => {
    const json = t.toJSON() as { Resources?: Record<string, unknown> };
    return { stack, resources: Object.keys(json.Resources ?? {}).length, bytes: Buffer.byteLength(JSON.stringify(json)) };
  });
}

function expectWithinBudget(s: Synthesized) {
  for (const b of budgetOf(s)) {
    expect(b.resources, `${b.stack}: ${b.resources} resources`).toBeLessThan(MAX_RESOURCES);
    expect(b.bytes, `${b.stack}: ${b.bytes} bytes`).toBeLessThan(MAX_TEMPLATE_BYTES);
  }
}

describe('CloudFormation budget', () => {
  let real: Synthesized;
  beforeAll(() => {
    real = synthesize();
  });

  it('every stack of today\'s declarations is under 400 resources and 800 KB', () => {
    expectWithinBudget(real);
  });

  it('a synthetic declaration of 300 routes (the HTTP API route quota) in 10 units still fits', () => {
    const synthUnits: Record<string, UnitDeclaration> = Object.fromEntries(
      Array.from({ length: 10 }, (_, u) => [`unit-${u}`, { name: `unit-${u}`, entry: `functions/units/unit-${u}.ts`, description: `synthetic unit ${u}` }]),
    );
    const methods = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'] as const;
    const routes: RouteDeclaration[] = Array.from({ length: 300 }, (_, i) => ({
      name: `synthetic-${i}`,
      unit: `unit-${i % 10}`,
      method: methods[i % methods.length]!,
      path: `/api/object${Math.floor(i / methods.length)}/{id}/part${i % 3}`,
      auth: i % 50 === 0 ? 'none' : 'jwt',
      throttle: { rateLimit: 50, burstLimit: 100 },
      access: i % 2 ? { table: 'readwrite', putEvents: i % 4 === 1 } : { table: 'read' },
    }));
    const s = synthesize({ routes, units: synthUnits }, [...allFunctions(), ...unitFunctions(routes, synthUnits)]);
    expect(s.templates.api.findResources('AWS::ApiGatewayV2::Route')).toSatisfy((r: object) => Object.keys(r).length === 300);
    expect(Object.keys(s.templates.api.findResources('AWS::Lambda::Function'))).toHaveLength(unitFunctions(routes, synthUnits).length);
    expectWithinBudget(s);
  }, 180_000);
});
