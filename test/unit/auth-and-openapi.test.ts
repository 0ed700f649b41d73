import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../functions/commons/auth.ts';
import { HttpProblem } from '../../functions/commons/problem.ts';
import { routes } from '../../contracts/routes.ts';
import { buildOpenApi } from '../../schemas/openapi.ts';

describe('principal from verified claims', () => {
  const base = { sub: 'u1', email: 'a@demo.local', 'custom:tenantId': 'demo' };

  it('reads groups in API Gateway flattened form and as a JSON array, taking the strongest role', () => {
    expect(principalFromClaims({ ...base, 'cognito:groups': '[rep manager]' }).role).toBe('manager');
    expect(principalFromClaims({ ...base, 'cognito:groups': ['rep'] }).role).toBe('rep');
  });

  it('refuses a token without a tenant or a role (403) and one without a subject (401)', () => {
    const status = (claims: Record<string, unknown>) => {
      try {
        principalFromClaims(claims as never);
      } catch (e) {
        return (e as HttpProblem).status;
      }
      return 200;
    };
    expect(status({ sub: 'u1', 'cognito:groups': '[rep]' })).toBe(403);
    expect(status({ ...base, 'cognito:groups': '[guest]' })).toBe(403);
    expect(status({ ...base, 'custom:tenantId': 'T#evil', 'cognito:groups': '[rep]' })).toBe(403);
    expect(status({ email: 'x', 'cognito:groups': '[rep]' })).toBe(401);
  });
});

describe('OpenAPI document', () => {
  it('describes every declared route with its method, security and problem responses', () => {
    const doc = buildOpenApi(routes) as { paths: Record<string, Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>> };
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!.operationId).toBe(r.name);
      expect(op!.security.length > 0).toBe(r.auth === 'jwt');
      expect(op!.responses['400']).toBeDefined();
    }
    const create = doc.paths['/api/contacts']!.post as unknown as { requestBody: { content: Record<string, { schema: { additionalProperties: boolean; properties: Record<string, unknown> } }> } };
    const schema = create.requestBody.content['application/json']!.schema;
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['email', 'phone', 'accountId', 'nationalId']));
  });
});
