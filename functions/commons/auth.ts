import { forbidden, unauthorized } from './problem.ts';

import { ROLES, type Role } from '#contracts/roles.ts';

export { ROLES, type Role };

/** Who is calling. Comes only from the verified token's claims (rule 5), never from the body or a header. */
export interface Principal {
  readonly tenantId: string;
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  /** The strongest of the user's Cognito groups. */
  readonly role: Role;
  readonly groups: readonly Role[];
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway's JWT authorizer flattens array claims to "[a b]"; a raw JWT has a JSON array. Accept both.
 */
function groupsFrom(value: Claims[string]): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  const trimmed = value.trim();
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1).trim();
    if (inner.startsWith('"')) {
      try {
        return (JSON.parse(trimmed) as unknown[]).map(String);
      } catch {
        /* fall through to the space-separated form */
      }
    }
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return trimmed.split(/[\s,]+/).filter(Boolean);
}

export function principalFromClaims(claims: Claims | undefined): Principal {
  if (!claims || typeof claims.sub !== 'string') throw unauthorized();
  const tenantId = claims['custom:tenantId'];
  if (typeof tenantId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(tenantId)) {
    throw forbidden('The token carries no valid tenant.');
  }
  const groups = groupsFrom(claims['cognito:groups']).filter((g): g is Role => (ROLES as readonly string[]).includes(g));
  const role = ROLES.find((r) => groups.includes(r));
  if (!role) throw forbidden('The user belongs to no Cirrus role group.');
  const email = typeof claims.email === 'string' ? claims.email : '';
  const name = typeof claims.name === 'string' && claims.name ? claims.name : email;
  return { tenantId, userId: claims.sub, email, name, role, groups };
}

export const isManagerOrAdmin = (p: Principal) => p.role === 'admin' || p.role === 'manager';
