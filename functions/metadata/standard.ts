/**
 * The standard objects' metadata lives in schemas/standard-objects.ts (pure data, so the policy and the web
 * app read the same field permissions, e.g. who may see a contact's national ID); re-exported here for the
 * metadata domain.
 */
export * from '#schemas/standard-objects.ts';
