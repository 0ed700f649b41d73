import { toProblem, type HttpProblem } from '../../functions/commons/problem.ts';

/** The problem+json a domain call's failure maps to at the edge (functions/commons/problem.ts); fails the test if it succeeds. */
export async function problemOf(p: Promise<unknown>): Promise<HttpProblem> {
  try {
    await p;
  } catch (e) {
    const known = toProblem(e);
    if (known) return known;
    throw e;
  }
  throw new Error('expected a problem');
}

/** The same for a synchronous call (a parser or a pure check). */
export function problemOfSync(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (e) {
    const known = toProblem(e);
    if (known) return known;
    throw e;
  }
  throw new Error('expected a problem');
}

/** The field paths a 400 names. */
export const problemPaths = (p: HttpProblem): string[] => ((p.extensions.errors ?? []) as { path: string }[]).map((e) => e.path);
