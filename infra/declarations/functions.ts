/**
 * What a Lambda function needs from AWS (`access`), declared next to where it is wired (routes, rules,
 * stream). The types live in contracts/access.ts, shared with the route declarations.
 */
export type { DeployedFunction as FunctionDeclaration, FunctionAccess } from '../../contracts/access.ts';
export { mergeAccess } from '../../contracts/access.ts';
