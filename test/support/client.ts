import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { inject } from 'vitest';

/**
 * What integration and e2e tests use to talk to the local runtime (test/support/global-setup.ts).
 * Sign-in goes through the Cognito emulator with the real SDK client, as the SPA does.
 */
export type ApiResponse = { status: number; headers: Record<string, string>; body: any };
export type ApiCall = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiResponse>;

export const baseUrl = (): string => inject('baseUrl');

let config: Promise<{ region: string; userPoolClientId: string }> | undefined;
const cognitoClients = new Map<string, CognitoIdentityProviderClient>();

/** The ID token of a user (default password Demo123!). */
export async function login(email: string, password = 'Demo123!'): Promise<string> {
  const url = baseUrl();
  config ??= fetch(`${url}/config.json`).then((r) => r.json() as Promise<{ region: string; userPoolClientId: string }>);
  const { region, userPoolClientId } = await config;
  let client = cognitoClients.get(url);
  if (!client) {
    client = new CognitoIdentityProviderClient({ region, endpoint: url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    cognitoClients.set(url, client);
  }
  const res = await client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: userPoolClientId, AuthParameters: { USERNAME: email, PASSWORD: password } }));
  const token = res.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`No ID token for ${email}`);
  return token;
}

/** A small fetch wrapper: JSON in, parsed JSON (or text) out, lower-cased response headers. */
export function api(token?: string): ApiCall {
  return async (method, path, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl()}${path}`, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
    } else parsed = undefined;
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      out[k] = v;
    });
    return { status: res.status, headers: out, body: parsed };
  };
}

/** Moves the runtime's clock forward and waits for what became due (schedules) and what followed. */
export async function advanceClock(seconds: number): Promise<string> {
  const res = await fetch(`${baseUrl()}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
  if (res.status !== 200) throw new Error(`advanceClock: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { now: string }).now;
}

/** Waits until the runtime is idle: invocations, deliveries and the stream done (what a change set off has landed). */
export async function settle(): Promise<void> {
  await fetch(`${baseUrl()}/_local/settle`, { method: 'POST' });
}

/** Emails the SES emulator has accepted (LocalStack's /_aws/ses shape), optionally to one recipient. */
export async function sentMail(email?: string): Promise<any[]> {
  const res = await fetch(`${baseUrl()}/_aws/ses${email ? `?email=${encodeURIComponent(email)}` : ''}`);
  return ((await res.json()) as { messages: any[] }).messages;
}

/** Events put on the bus, as EventBridge delivers them (`detail-type`, `source`, parsed `detail`). */
export async function busEvents(): Promise<any[]> {
  const res = await fetch(`${baseUrl()}/_aws/events`);
  return ((await res.json()) as { events: any[] }).events;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A short random suffix so tests never collide with seed data or each other. */
export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

/** Calls `fn` until `ok` holds or `ms` pass (for effects that arrive through the bus); returns the last value. */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await sleep(100);
    v = await fn();
  }
  return v;
}
