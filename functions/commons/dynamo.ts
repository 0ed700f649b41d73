import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
import { traceClient } from './observability.ts';

/**
 * One client per container, created at init; the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB locally.
 * Its calls are X-Ray subsegments when tracing is on (the document client shares its middleware stack).
 */
export const documentClient = DynamoDBDocumentClient.from(traceClient(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});

export const tableName = (): string => config.tableName();
