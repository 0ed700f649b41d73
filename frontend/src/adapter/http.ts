import { idToken, refresh, signOut } from './session';

/** A refused request: the RFC 9457 problem body plus the status. */
export interface FieldProblem {
  path: string;
  message: string;
  code?: string;
}
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemBody,
    readonly headers: Headers,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  etag?: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined | null>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

let onUnauthorized: () => void = () => {};
/** The router registers where to go when the session is gone for good. */
export const setUnauthorizedHandler = (fn: () => void) => (onUnauthorized = fn);

function url(path: string, query?: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

async function send(method: string, path: string, opts: RequestOptions, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  return fetch(url(path, opts.query), {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
  });
}

/** Same-origin JSON API call with the bearer token; one refresh-and-retry on 401. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  let res = await send(method, path, opts, await idToken());
  if (res.status === 401) {
    const fresh = await refresh();
    if (fresh) res = await send(method, path, opts, fresh);
    if (res.status === 401) {
      signOut();
      onUnauthorized();
    }
  }
  const text = res.status === 204 ? '' : await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { detail: text };
    }
  }
  if (!res.ok) throw new ApiError(res.status, (data ?? { title: res.statusText }) as ProblemBody, res.headers);
  return { data: data as T, status: res.status, etag: res.headers.get('etag') ?? undefined };
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, { body, headers }),
  patch: <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('PATCH', path, { body, headers }),
  put: <T>(path: string, body: unknown, headers?: Record<string, string>) => request<T>('PUT', path, { body, headers }),
  del: (path: string, headers?: Record<string, string>) => request<void>('DELETE', path, { headers }),
};
