import type { RuntimeConfig } from './config';

/**
 * Cognito user-pool sign-in (USER_PASSWORD_AUTH) and refresh (REFRESH_TOKEN_AUTH).
 * InitiateAuth is an unauthenticated call, so the browser needs no AWS credentials. The SDK is loaded
 * only when a sign-in or refresh happens (it stays out of the first page's bundle); if it cannot be
 * loaded or refuses to run without credentials, the same wire call is made with fetch.
 */
export interface CognitoTokens {
  readonly idToken: string;
  readonly accessToken?: string;
  /** Absent on refresh: Cognito keeps the refresh token it was given. */
  readonly refreshToken?: string;
  readonly expiresIn?: number;
}

export class CognitoError extends Error {
  constructor(
    /** Cognito's exception name, e.g. NotAuthorizedException, UserNotFoundException. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

type AuthFlow = 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH';

export async function initiateAuth(config: RuntimeConfig, flow: AuthFlow, params: Record<string, string>): Promise<CognitoTokens> {
  try {
    return await viaSdk(config, flow, params);
  } catch (e) {
    if (e instanceof CognitoError) throw e;
    // SDK unavailable or unhappy (e.g. asks for credentials): speak the protocol directly.
    return viaFetch(config, flow, params);
  }
}

async function viaSdk(config: RuntimeConfig, flow: AuthFlow, params: Record<string, string>): Promise<CognitoTokens> {
  const { CognitoIdentityProviderClient, InitiateAuthCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const client = new CognitoIdentityProviderClient({
    region: config.region,
    ...(config.cognitoEndpoint ? { endpoint: config.cognitoEndpoint } : {}),
    // InitiateAuth is unsigned; a static anonymous identity keeps the SDK from looking for credentials.
    credentials: { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' },
  });
  try {
    const out = await client.send(new InitiateAuthCommand({ AuthFlow: flow, ClientId: config.userPoolClientId, AuthParameters: params }));
    const r = out.AuthenticationResult;
    if (!r?.IdToken) throw new CognitoError(out.ChallengeName ?? 'ChallengeRequired', `Unsupported sign-in challenge ${out.ChallengeName ?? ''}`);
    return { idToken: r.IdToken, accessToken: r.AccessToken, refreshToken: r.RefreshToken, expiresIn: r.ExpiresIn };
  } catch (e) {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (e instanceof CognitoError) throw e;
    // A service answer (4xx with an exception name) is final; network/SDK trouble falls back to fetch.
    const status = err.$metadata?.httpStatusCode ?? 0;
    if (status >= 400 && status < 500 && err.name && /Exception$/.test(err.name)) throw new CognitoError(err.name, err.message ?? err.name);
    throw e;
  }
}

async function viaFetch(config: RuntimeConfig, flow: AuthFlow, params: Record<string, string>): Promise<CognitoTokens> {
  const endpoint = config.cognitoEndpoint ?? `https://cognito-idp.${config.region}.amazonaws.com/`;
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({ AuthFlow: flow, ClientId: config.userPoolClientId, AuthParameters: params }),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, any>;
  if (!res.ok) {
    const code = String(body.__type ?? res.headers.get('x-amzn-errortype') ?? 'UnknownError').split('#').pop()!.split(':')[0]!;
    throw new CognitoError(code, String(body.message ?? body.Message ?? code));
  }
  const r = body.AuthenticationResult;
  if (!r?.IdToken) throw new CognitoError(body.ChallengeName ?? 'ChallengeRequired', `Unsupported sign-in challenge ${body.ChallengeName ?? ''}`);
  return { idToken: r.IdToken, accessToken: r.AccessToken, refreshToken: r.RefreshToken, expiresIn: r.ExpiresIn };
}

/** Seconds since epoch when a JWT expires (from its payload; the signature is the server's business). */
export function jwtExpiry(token: string): number | undefined {
  try {
    const payload = token.split('.')[1]!;
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: number }).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}
