import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { table as tableDeclaration, type TableDeclaration } from '../declarations/index.ts';

export interface DataStackProps extends StackProps {
  /** Defaults to the real declaration in infra/declarations/table.ts. */
  readonly tableDeclaration?: TableDeclaration;
}

/** The single DynamoDB table, exactly as declared (also created by the local runtime from the same declaration). */
export class DataStack extends Stack {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);
    const decl = props.tableDeclaration ?? tableDeclaration;
    const S = dynamodb.AttributeType.STRING;

    this.table = new dynamodb.Table(this, decl.logicalName, {
      partitionKey: { name: decl.partitionKey, type: S },
      sortKey: { name: decl.sortKey, type: S },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      stream: dynamodb.StreamViewType[decl.streamViewType],
      timeToLiveAttribute: decl.timeToLiveAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of decl.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: S },
        sortKey: { name: index.sortKey, type: S },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
