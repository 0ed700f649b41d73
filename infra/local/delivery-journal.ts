import { closeSync, existsSync, fstatSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A small write-ahead journal for work the local runtime has accepted but not finished (EventBridge's
 * rule deliveries: AWS EventBridge is at-least-once once PutEvents has answered). One JSON line per
 * change in an append-only file:
 *   {"op":"add","id":"<id>","entry":{…}}   written (and fsync'd, see `sync`) before the work is acknowledged
 *   {"op":"done","id":"<id>"}              when the work succeeded or was dead-lettered
 * After a crash, `pending()` is every `add` without its `done`; a torn last line is ignored (the write it
 * belonged to was never acknowledged). The file is compacted on open and whenever it grows past
 * `compactBytes`, by writing the pending entries to a temporary file, fsync, rename, fsync of the folder.
 *
 * A lost `done` line only means one more delivery after a crash (consumers dedupe on the event id), so
 * `done` is not fsync'd; an `add` is, through `sync()`, which coalesces concurrent callers into one fsync.
 */
export class DeliveryJournal<T> {
  private fd: number;
  private readonly open = new Map<string, T>();
  private bytes = 0;
  /** The file's size after the last compaction: compacting again only pays once as much was appended since. */
  private compactedBytes = 0;
  private dirty = false;
  private syncing?: Promise<void>;
  private next?: Promise<void>;

  constructor(private readonly file: string, private readonly compactBytes = 4 * 1024 * 1024) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        let op: { op?: string; id?: string; entry?: T };
        try {
          op = JSON.parse(line);
        } catch {
          continue; // torn write of an unacknowledged entry
        }
        if (typeof op.id !== 'string') continue;
        if (op.op === 'add') this.open.set(op.id, op.entry as T);
        else if (op.op === 'done') this.open.delete(op.id);
      }
    }
    this.fd = this.rewrite();
  }

  /** Everything added and not yet done, oldest first. */
  pending(): [string, T][] {
    return [...this.open];
  }

  get size(): number {
    return this.open.size;
  }

  /** Records new work; it reaches the OS at once (survives kill -9) and the disk with the next `sync()`. */
  add(id: string, entry: T): void {
    this.open.set(id, entry);
    this.append({ op: 'add', id, entry });
    this.dirty = true;
  }

  /** Marks work finished. */
  done(id: string): void {
    if (!this.open.delete(id)) return;
    this.append({ op: 'done', id });
    if (this.bytes > Math.max(this.compactBytes, 2 * this.compactedBytes) && !this.syncing) {
      closeSync(this.fd);
      this.fd = this.rewrite();
    }
  }

  /** Marks all work finished at once: one rewrite of an empty file, not one `done` line per entry. */
  clear(): void {
    this.open.clear();
    closeSync(this.fd);
    this.fd = this.rewrite();
  }

  /** Resolves when every `add` made before the call is on disk (one fsync for all concurrent callers). */
  sync(): Promise<void> {
    if (this.syncing) {
      // Adds since the running fsync started need one more; callers arriving meanwhile share it.
      if (!this.dirty) return this.syncing;
      return (this.next ??= this.syncing.catch(() => undefined).then(() => {
        this.next = undefined;
        return this.sync();
      }));
    }
    if (!this.dirty) return Promise.resolve();
    this.dirty = false;
    this.syncing = new Promise<void>((resolve, reject) => fsync(this.fd, (error) => (error ? reject(error) : resolve()))).finally(() => {
      this.syncing = undefined;
    });
    return this.syncing;
  }

  close(): void {
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }

  private append(op: unknown): void {
    const line = `${JSON.stringify(op)}\n`;
    writeSync(this.fd, line);
    this.bytes += Buffer.byteLength(line);
  }

  /** Writes only the pending entries to a new file, durably, and opens it for appending. */
  private rewrite(): number {
    const lines = [...this.open].map(([id, entry]) => `${JSON.stringify({ op: 'add', id, entry })}\n`).join('');
    writeFileDurably(this.file, lines);
    const fd = openSync(this.file, 'a');
    this.bytes = fstatSync(fd).size;
    this.compactedBytes = this.bytes;
    return fd;
  }
}

/** write to a temporary file + fsync + rename + fsync of the folder: the file is the old or the new one, on disk. */
export function writeFileDurably(file: string, data: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  try {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    /* some platforms cannot fsync a directory */
  }
}
