import type { Queue, RoutingRule, ServiceDeskSettings } from '#schemas/service-desk.ts';
import { leastLoadedPick, roundRobinPick, type Candidate } from '../assignment/rules.ts';

/**
 * Where a ticket is routed (SVC-1), pure: the queue (the first routing rule whose conditions all hold, else
 * the queue of the support address it was sent to, else the tenant's default queue), then the agent within the
 * queue — in turn, or the one with the fewest open tickets — among the queue's agents with its skill who are
 * not away. The pickers are lead assignment's (functions/assignment/rules.ts); the turn counter and the open
 * ticket counts are the caller's I/O.
 */
export interface TicketFacts {
  channel?: string;
  category?: string;
  priority?: string;
  subject?: string;
  customerTier?: string;
  /** The support address the email came to. */
  supportAddress?: string;
}

export interface Agent {
  id: string;
  away?: boolean;
  skills?: readonly string[];
  openTickets?: number;
}

const fold = (s: string) => s.toLocaleLowerCase('en');
const within = (value: string | undefined, list: readonly string[] | undefined) =>
  !list || list.length === 0 || (value !== undefined && list.some((x) => fold(x) === fold(value)));

export function ruleMatches(rule: RoutingRule, t: TicketFacts): boolean {
  const w = rule.when;
  if (!within(t.channel, w.channels)) return false;
  if (!within(t.category, w.categories)) return false;
  if (!within(t.priority, w.priorities)) return false;
  if (!within(t.customerTier, w.tiers)) return false;
  // A word of the subject: a substring, so Chinese subjects (no spaces) match 发票 in 请重开发票.
  if (w.subjectWords?.length && !w.subjectWords.some((word) => fold(t.subject ?? '').includes(fold(word)))) return false;
  return true;
}

/** The queue for a new ticket and why (the rule's id, `address` or `default`). */
export function queueFor(settings: Pick<ServiceDeskSettings, 'routingRules' | 'supportAddresses' | 'queues' | 'defaultQueueId'>, t: TicketFacts): { queueId: string; by: string } {
  const known = (id: string | undefined) => id !== undefined && settings.queues.some((q) => q.id === id);
  const rule = settings.routingRules.find((r) => known(r.queueId) && ruleMatches(r, t));
  if (rule) return { queueId: rule.queueId, by: rule.id };
  const address = t.supportAddress && settings.supportAddresses.find((a) => fold(a.address) === fold(t.supportAddress!));
  if (address && known(address.queueId)) return { queueId: address.queueId!, by: 'address' };
  return { queueId: settings.defaultQueueId, by: 'default' };
}

/** The agent a queue gives the ticket to (turn: 1-based, from the queue's atomic counter), or none. */
export function agentFor(queue: Queue, agents: readonly Agent[], turn: number): string | undefined {
  if (queue.assignment === 'manual') return undefined;
  const skilled = queue.agentIds.filter((id) => {
    const a = agents.find((x) => x.id === id);
    return a && (!queue.skill || (a.skills ?? []).some((s) => fold(s) === fold(queue.skill!)));
  });
  const candidates = new Map<string, Candidate>(agents.map((a) => [a.id, { id: a.id, away: a.away === true, openLeads: a.openTickets ?? 0 }]));
  return queue.assignment === 'roundRobin' ? roundRobinPick(skilled, candidates, turn) : leastLoadedPick(skilled, candidates)?.id;
}
