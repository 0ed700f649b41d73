/**
 * The outbox item's sort key: the table stream's event source mapping forwards only INSERTs of items with
 * this sk (the CDK filter, the local poller and the forwarder all read it from here; keys.ts builds it).
 */
export const OUTBOX_SK = '~event';
