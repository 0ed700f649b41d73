import { readJson, writeJson } from './store.ts';

/**
 * The runtime's clock: Date and Date.now are replaced by an offset clock, so in-process handlers, token
 * issuing and schedules all see the same (movable) time. `POST /_local/clock` advances it; the offset is
 * persisted in DATA_DIR so a restart keeps the time it had reached.
 */
const RealDate = Date;
let offsetMs = 0;
let file: string | undefined;

export function installClock(clockFile: string): void {
  file = clockFile;
  offsetMs = readJson<{ offsetMs: number }>(clockFile, { offsetMs: 0 }).offsetMs;
  if ((globalThis.Date as unknown) !== RealDate) return;
  class OffsetDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as [number]));
    }
    static override now(): number {
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = OffsetDate as DateConstructor;
}

export const now = () => RealDate.now() + offsetMs;

export function advanceClock(seconds: number): void {
  offsetMs += Math.round(seconds * 1000);
  if (file) writeJson(file, { offsetMs });
}
