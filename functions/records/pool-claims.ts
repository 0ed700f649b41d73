/**
 * When a claim from the shared pool (SFA-6) stops counting against its rep's limit: the rep holds the record
 * they claimed (`claimedBy` is its owner) while it is open. A change that ends that (won, lost, converted,
 * disqualified, given to someone else, released) frees one claim, in the change's own transaction, and drops
 * `claimedBy`, so a record reopened later does not free it twice. Pure: the lead and opportunity entities call it from `derive` and
 * `changeExtras`; the claim itself adds one (functions/follow-up/pool.ts).
 */
type Fields = Record<string, unknown>;

export const holdsClaim = (r: Fields | undefined, open: (r: Fields) => boolean): boolean =>
  Boolean(r && typeof r.claimedBy === 'string' && r.claimedBy === r.ownerId && !r.deletedAt && open(r));

/** For `derive`: the claim ends with this change. */
export const claimEnds = (before: Fields | undefined, after: Fields, open: (r: Fields) => boolean): boolean =>
  holdsClaim(before, open) && !holdsClaim(after, open);

/** For `changeExtras`: the rep's claim counter, one down, when the change ends a claim. */
export function claimCounters(before: Fields, after: Fields, open: (r: Fields) => boolean): { userId: string; field: string; delta: number; claims: true }[] {
  const ended = holdsClaim(before, open) && !holdsClaim({ ...after, claimedBy: before.claimedBy }, open);
  return ended ? [{ userId: String(before.claimedBy), field: 'claimed', delta: -1, claims: true }] : [];
}
