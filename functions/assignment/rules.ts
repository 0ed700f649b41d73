import type { AssignmentConditions, AssignmentRule } from '#schemas/assignment.ts';

/**
 * Where assignment is decided (SFA-2): which rule a lead matches and who in it takes the lead.
 * Pure functions; functions/assignment/assign-lead.ts does the I/O.
 */
export interface LeadFacts {
  country?: string;
  region?: string;
  industry?: string;
  source?: string;
  companySize?: number;
  score?: number;
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
const inList = (value: string | undefined, list: readonly string[] | undefined) =>
  !list || list.length === 0 || (value !== undefined && list.some((x) => same(x, value)));

export function matches(c: AssignmentConditions, lead: LeadFacts): boolean {
  if (!inList(lead.country, c.countries)) return false;
  if (!inList(lead.region, c.regions)) return false;
  if (!inList(lead.industry, c.industries)) return false;
  if (!inList(lead.source, c.sources)) return false;
  if (c.companySizeMin !== undefined && (lead.companySize === undefined || lead.companySize < c.companySizeMin)) return false;
  if (c.companySizeMax !== undefined && (lead.companySize === undefined || lead.companySize > c.companySizeMax)) return false;
  if (c.scoreMin !== undefined && (lead.score === undefined || lead.score < c.scoreMin)) return false;
  return true;
}

/** The first enabled rule, in the admin's order, whose conditions all hold. */
export function firstMatchingRule(rules: readonly AssignmentRule[], lead: LeadFacts): AssignmentRule | undefined {
  return rules.find((r) => r.enabled && matches(r.conditions, lead));
}

export interface Candidate {
  id: string;
  away: boolean;
  openLeads: number;
}

/** Round-robin: turn n (1-based, from an atomic counter) goes to the nth member, skipping those away. */
export function roundRobinPick(members: readonly string[], candidates: ReadonlyMap<string, Candidate>, turn: number): string | undefined {
  for (let i = 0; i < members.length; i++) {
    const id = members[(turn - 1 + i) % members.length]!;
    const c = candidates.get(id);
    if (c && !c.away) return id;
  }
  return undefined;
}

/** Least-loaded: the available member with the fewest open leads; ties go to the earlier member. */
export function leastLoadedPick(members: readonly string[], candidates: ReadonlyMap<string, Candidate>): Candidate | undefined {
  let best: Candidate | undefined;
  for (const id of members) {
    const c = candidates.get(id);
    if (!c || c.away) continue;
    if (!best || c.openLeads < best.openLeads) best = c;
  }
  return best;
}
