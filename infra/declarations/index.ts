import type { FunctionDeclaration } from './functions.ts';
import { routes } from '../../contracts/routes.ts';
import { unitFunctions } from '../../contracts/units.ts';
import { inboundMail, rules, scheduleTargets, schedules, streamForwarder } from './events.ts';

export * from './functions.ts';
export * from '../../contracts/routes.ts';
export * from '../../contracts/units.ts';
export * from './events.ts';
export * from './table.ts';
export { scheduleTargetEnvName, scheduleTargetNames } from '../../contracts/schedules.ts';
export { EVENT_SOURCE } from '../../contracts/events.ts';

/** Every Lambda function of the product, each once: the deploy units serving routes, then the event side. */
export function allFunctions(): FunctionDeclaration[] {
  const byName = new Map<string, FunctionDeclaration>();
  for (const f of [...unitFunctions(routes), streamForwarder, ...rules.map((r) => r.target), ...scheduleTargets, ...schedules.map((s) => s.target), inboundMail.target]) {
    const seen = byName.get(f.name);
    if (seen && seen.entry !== f.entry) throw new Error(`Function name ${f.name} is declared twice with different entries`);
    byName.set(f.name, f);
  }
  return [...byName.values()];
}

