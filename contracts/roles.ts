/** The roles of a tenant's staff: Cognito groups on AWS, the same names in the token's `cognito:groups`. Highest precedence first. */
export const ROLES = ['admin', 'manager', 'rep', 'marketer', 'agent'] as const;
export type Role = (typeof ROLES)[number];
