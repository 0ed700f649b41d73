/**
 * The single DynamoDB table, declared once. The CDK data stack and the local runtime
 * (which creates the same table in DynamoDB Local) both read this; test/infra checks they agree.
 * Every key starts with the tenant: `T#<tenantId>#...` (see functions/commons/keys.ts and docs/data-model.md).
 */
export interface IndexDeclaration {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDeclaration {
  /** Logical name; the deployed physical name is chosen by CloudFormation and passed as TABLE_NAME. */
  readonly logicalName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly timeToLiveAttribute: string;
  readonly streamViewType: 'NEW_AND_OLD_IMAGES';
  readonly globalSecondaryIndexes: readonly IndexDeclaration[];
}

export const table: TableDeclaration = {
  logicalName: 'CirrusTable',
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  streamViewType: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    // Entity lists sorted by name (also prefix search on name): T#t#<entity> / <nameKey>#<id>
    { indexName: 'GSI1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    // Entity lists sorted by creation time: T#t#<entity> / <createdAt>#<id>
    { indexName: 'GSI2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    // Entity lists per owner sorted by name: T#t#<entity>#owner#<ownerId> / <nameKey>#<id>
    { indexName: 'GSI3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
};
