/**
 * The bench's DynamoDB proxy: sits between the local runtime's handlers (and the bench's own raw calls) and
 * DynamoDB Local. It counts requests per operation and, while recording, keeps every request's operation,
 * JSON body and start/end time (performance.now() of the bench process, the same clock the bench times its
 * HTTP calls with), and a summary of the answer (items returned, items examined, bytes: what a read cost).
 * Bodies are tapped as they stream through; nothing is buffered on the way.
 */
import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** DynamoDB operation, from X-Amz-Target (`GetItem`, `TransactWriteItems`, ...). */
  readonly op: string;
  /** The request body as sent (DynamoDB JSON). */
  body: Record<string, unknown>;
  readonly start: number;
  end: number;
  status: number;
  /** What the answer held (while recording): items returned, items DynamoDB examined, bytes of the answer. */
  response?: { items: number; scanned: number; bytes: number };
}

/** Items returned and examined by one DynamoDB answer (Query/Scan: Items and ScannedCount; BatchGetItem: Responses; GetItem: Item). */
export function readOf(answer: Record<string, unknown>): { items: number; scanned: number } {
  if (Array.isArray(answer.Items)) return { items: answer.Items.length, scanned: typeof answer.ScannedCount === 'number' ? answer.ScannedCount : answer.Items.length };
  if (answer.Responses && typeof answer.Responses === 'object') {
    const n = Object.values(answer.Responses as Record<string, unknown[]>).reduce((a, xs) => a + (Array.isArray(xs) ? xs.length : 0), 0);
    return { items: n, scanned: n };
  }
  if (typeof answer.Count === 'number') return { items: answer.Count, scanned: typeof answer.ScannedCount === 'number' ? answer.ScannedCount : answer.Count };
  const one = answer.Item ? 1 : 0;
  return { items: one, scanned: one };
}

export interface DynamoProxy {
  readonly server: Server;
  readonly port: number;
  readonly counts: Map<string, number>;
  reset(): void;
  /** Requests counted since reset(), stream reads excluded. */
  total(): number;
  /** Starts keeping request bodies and times; returns the list they are appended to. */
  record(): RecordedCall[];
  /** Stops recording; returns the calls that have finished. */
  stopRecording(): RecordedCall[];
  close(): Promise<void>;
}

const STREAM_OPS = ['GetRecords', 'DescribeStream', 'GetShardIterator', 'ListStreams'];

export function dynamoProxy(target: number): Promise<DynamoProxy> {
  const counts = new Map<string, number>();
  let recording: RecordedCall[] | null = null;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop()!;
    counts.set(op, (counts.get(op) ?? 0) + 1);
    const rec: RecordedCall | undefined = recording ? { op, body: {}, start: performance.now(), end: 0, status: 0 } : undefined;
    const chunks: Buffer[] = [];
    if (rec) {
      recording!.push(rec);
      req.on('data', (c: Buffer) => chunks.push(c));
    }
    const up = httpRequest({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 500, r.headers);
      if (rec) {
        rec.status = r.statusCode ?? 0;
        const answer: Buffer[] = [];
        const plain = !r.headers['content-encoding'] || r.headers['content-encoding'] === 'identity';
        r.on('data', (c: Buffer) => answer.push(c));
        r.on('end', () => {
          const body = Buffer.concat(answer);
          try {
            rec.response = { ...(plain ? readOf(JSON.parse(body.toString('utf8')) as Record<string, unknown>) : { items: 0, scanned: 0 }), bytes: body.length };
          } catch { /* not JSON: no summary */ }
          rec.end = performance.now();
          try {
            rec.body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch { /* not JSON: left empty */ }
        });
      }
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({
    server,
    port: (server.address() as AddressInfo).port,
    counts,
    reset: () => counts.clear(),
    total: () => [...counts.entries()].filter(([k]) => !STREAM_OPS.includes(k)).reduce((a, [, v]) => a + v, 0),
    record: () => (recording = []),
    stopRecording: () => {
      const done = (recording ?? []).filter((r) => r.end > 0);
      recording = null;
      return done;
    },
    close: () => new Promise<void>((r) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => r());
    }),
  })));
}
