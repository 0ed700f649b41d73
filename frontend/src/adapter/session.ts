import { loadConfig } from './config';
import { CognitoError, initiateAuth, jwtExpiry } from './cognito';

/**
 * The auth adapter: holds the Cognito tokens (localStorage, so a reload stays signed in), refreshes the
 * ID token shortly before it expires or once after a 401, and signs out.
 */
const KEY = 'cirrus.session';
const REFRESH_MARGIN_S = 120;

interface Session {
  idToken: string;
  refreshToken?: string;
  /** Seconds since epoch. */
  expiresAt: number;
  username: string;
}

let session: Session | undefined = read();
let refreshing: Promise<string | undefined> | undefined;
const listeners = new Set<(signedIn: boolean) => void>();

function read(): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

function write(s: Session | undefined) {
  session = s;
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
  for (const l of listeners) l(Boolean(s));
}

export const onSessionChange = (fn: (signedIn: boolean) => void) => {
  listeners.add(fn);
  return () => listeners.delete(fn);
};

export const hasSession = () => Boolean(session);

export async function signIn(username: string, password: string): Promise<void> {
  const config = await loadConfig();
  const t = await initiateAuth(config, 'USER_PASSWORD_AUTH', { USERNAME: username, PASSWORD: password });
  write({
    idToken: t.idToken,
    refreshToken: t.refreshToken,
    expiresAt: jwtExpiry(t.idToken) ?? Math.floor(Date.now() / 1000) + (t.expiresIn ?? 3600),
    username,
  });
}

export function signOut(): void {
  write(undefined);
}

/** Exchanges the refresh token for a fresh ID token; signs out when that is refused. */
export function refresh(): Promise<string | undefined> {
  refreshing ??= (async () => {
    const s = session;
    if (!s?.refreshToken) {
      write(undefined);
      return undefined;
    }
    try {
      const config = await loadConfig();
      const t = await initiateAuth(config, 'REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: s.refreshToken });
      write({
        ...s,
        idToken: t.idToken,
        refreshToken: t.refreshToken ?? s.refreshToken,
        expiresAt: jwtExpiry(t.idToken) ?? Math.floor(Date.now() / 1000) + (t.expiresIn ?? 3600),
      });
      return t.idToken;
    } catch (e) {
      if (e instanceof CognitoError) write(undefined);
      return undefined;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** A usable ID token: the stored one, or a refreshed one when it is about to expire. */
export async function idToken(): Promise<string | undefined> {
  if (!session) return undefined;
  if (session.expiresAt - Date.now() / 1000 < REFRESH_MARGIN_S) return (await refresh()) ?? undefined;
  return session.idToken;
}

export { CognitoError };
