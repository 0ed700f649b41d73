import { readJson, writeJson } from './store.ts';

/**
 * The runtime's clock: Date and Date.now are replaced by an offset clock, so in-process handlers, token
 * issuing and schedules all see the same (movable) time. `POST /_local/clock` advances it; the offset is
 * persisted in DATA_DIR so a restart keeps the time it had reached.
 *
 * A Proxy over the real Date: `new Date()`, `Date()` and `Date.now()` see the offset; dates are still
 * genuine Date instances (`instanceof Date`, prototype, Date.UTC/parse unchanged).
 */
const RealDate = Date;
let offsetMs = 0;
let file: string | undefined;

export const now = () => RealDate.now() + offsetMs;

export function installClock(clockFile: string): void {
  file = clockFile;
  offsetMs = readJson<{ offsetMs: number }>(clockFile, { offsetMs: 0 }).offsetMs;
  if ((globalThis.Date as unknown) !== RealDate) return;
  globalThis.Date = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget);
    },
    apply() {
      return new RealDate(now()).toString();
    },
    get(target, prop, receiver) {
      if (prop === 'now') return now;
      return Reflect.get(target, prop, receiver);
    },
  });
}

export function advanceClock(seconds: number): void {
  offsetMs += Math.round(seconds * 1000);
  if (file) writeJson(file, { offsetMs });
}
