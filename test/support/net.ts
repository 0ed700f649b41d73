import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port free on the loopback right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/**
 * Keeps the last 20,000 characters a child process printed (for the error when it dies), and echoes them
 * with CIRRUS_RUNTIME_LOGS=1. Returns a reader of what was kept.
 */
export function captureOutput(child: ChildProcess): () => string {
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
    if (process.env.CIRRUS_RUNTIME_LOGS === '1') process.stderr.write(d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return () => output;
}
