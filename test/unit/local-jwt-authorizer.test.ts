import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, decodeJwt, generateKeyPair, importJWK, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CognitoEmulator } from '../../infra/local/cognito.ts';
import { HttpApi } from '../../infra/local/http-api.ts';

/**
 * The local HTTP API's JWT authorizer against what API Gateway documents it checks:
 * - "Authorizing API requests with a JWT authorizer" (docs.aws.amazon.com/apigateway/latest/developerguide/
 *   http-api-jwt-authorizer.html): identity source = token or "Bearer <token>"; algorithm and signature
 *   with the JWKS (RSA); kid must match a JWKS key; iss = issuer; aud or client_id in the audiences;
 *   exp after now; nbf and iat before now; scope/scp holding one of the route's scopes.
 * - "Troubleshooting issues with HTTP API JWT authorizers" (http-api-troubleshooting-jwt.html): "API Gateway
 *   validates client_id only if aud is not present. When both aud and client_id are present, API Gateway
 *   evaluates aud."; 401 with `www-authenticate: Bearer scope="" error="invalid_token" error_description=…`.
 * Nothing there mentions token_use: API Gateway does not look at it.
 */
const ISSUER = 'http://localhost:3000/local_cirrus';
const CLIENT = 'cirrus-local-client';

let dir: string;
let cognito: CognitoEmulator;
let http: HttpApi;
let poolKey: CryptoKey | Uint8Array;
let kid: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cirrus-jwt-'));
  cognito = CognitoEmulator.at(dir, ISSUER);
  await cognito.init();
  const state = JSON.parse(readFileSync(join(dir, 'cognito.json'), 'utf8'));
  poolKey = await importJWK(state.key.privateJwk, 'RS256');
  kid = state.key.kid;
  http = new HttpApi([], cognito, 'localhost:3000');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const now = () => Math.floor(Date.now() / 1000);
/** A token signed with the pool's own key (so only the claim under test can make it fail). */
async function token(claims: JWTPayload, header: Record<string, unknown> = { alg: 'RS256', kid }, key: CryptoKey | Uint8Array = poolKey) {
  const t = now();
  return new SignJWT({ iss: ISSUER, aud: CLIENT, sub: 'u1', iat: t, exp: t + 3600, ...claims }).setProtectedHeader(header as { alg: string }).sign(key);
}
const authorize = (jwt: string, scopes: string[] = []) => http.authorizeToken(`Bearer ${jwt}`, scopes);

describe('JWT authorizer: what API Gateway checks', () => {
  it('accepts a token alone or after "Bearer" (the identity source forms)', async () => {
    const jwt = await token({});
    expect((await http.authorizeToken(`Bearer ${jwt}`)).ok).toBe(true);
    expect((await http.authorizeToken(jwt)).ok).toBe(true);
    for (const header of [undefined, '', 'Bearer', `Basic ${jwt}`, 'Bearer not.a.jwt', `Bearer ${jwt} extra`]) {
      expect((await http.authorizeToken(header)).ok, String(header).slice(0, 12)).toBe(false);
    }
  });

  it('does not look at token_use (any value, or none)', async () => {
    for (const token_use of [undefined, 'id', 'access', 'refresh', 'something-else']) {
      expect((await authorize(await token(token_use === undefined ? {} : { token_use }))).ok, String(token_use)).toBe(true);
    }
  });

  it('refuses a token without kid, with a kid not in the JWKS, or signed by another key', async () => {
    const noKid = await token({}, { alg: 'RS256' });
    expect(await authorize(noKid)).toMatchObject({ ok: false, status: 401 });
    expect((await authorize(await token({}, { alg: 'RS256', kid: 'not-in-jwks' }))).ok).toBe(false);
    const { privateKey } = await generateKeyPair('RS256');
    expect((await authorize(await token({}, { alg: 'RS256', kid }, privateKey))).ok).toBe(false);
  });

  it('refuses algorithms the JWKS key is not published for (HS256 with the public modulus, alg none)', async () => {
    const hs = await new SignJWT({ iss: ISSUER, aud: CLIENT, exp: now() + 60 }).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(JSON.stringify(cognito.jwksDocument().keys[0])));
    expect((await authorize(hs)).ok).toBe(false);
    const [, payload] = (await token({})).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${payload}.`;
    expect((await authorize(none)).ok).toBe(false);
  });

  it('refuses another issuer', async () => {
    expect((await authorize(await token({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other' }))).ok).toBe(false);
  });

  it('evaluates aud when a token has both aud and client_id; client_id only when aud is absent', async () => {
    const wrongAudRightClient = await authorize(await token({ aud: 'someone-else', client_id: CLIENT }));
    expect(wrongAudRightClient).toMatchObject({ ok: false, status: 401 });
    expect(!wrongAudRightClient.ok && wrongAudRightClient.challenge).toBe('Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"');
    expect((await authorize(await token({ aud: CLIENT, client_id: 'someone-else' }))).ok).toBe(true);
    expect((await authorize(await token({ aud: ['other', CLIENT] }))).ok).toBe(true);
    expect((await authorize(await token({ aud: undefined, client_id: CLIENT }))).ok).toBe(true);
    expect((await authorize(await token({ aud: undefined, client_id: 'someone-else' }))).ok).toBe(false);
    expect((await authorize(await token({ aud: undefined }))).ok).toBe(false);
  });

  it('wants exp after now, nbf and iat not after now', async () => {
    const t = now();
    expect((await authorize(await token({ exp: t - 1 }))).ok).toBe(false);
    expect((await authorize(await token({ exp: t }))).ok).toBe(false);
    expect((await authorize(await token({ exp: undefined }))).ok).toBe(false);
    expect((await authorize(await token({ nbf: t + 120 }))).ok).toBe(false);
    expect((await authorize(await token({ iat: t + 120 }))).ok).toBe(false);
    expect((await authorize(await token({ nbf: t - 10, iat: t - 10 }))).ok).toBe(true);
  });

  it('needs one of the route scopes in scope (space-separated) or scp when the route declares scopes: 403 otherwise', async () => {
    const scopes = ['crm/read', 'crm/write'];
    expect((await authorize(await token({ scope: 'openid crm/write' }), scopes)).ok).toBe(true);
    expect((await authorize(await token({ scp: ['crm/read'] }), scopes)).ok).toBe(true);
    const none = await authorize(await token({ scope: 'openid' }), scopes);
    expect(none).toMatchObject({ ok: false, status: 403 });
    expect(!none.ok && none.challenge).toContain('error="insufficient_scope"');
    expect((await authorize(await token({}), scopes)).ok).toBe(false);
    expect((await authorize(await token({ scope: 'openid' }), [])).ok).toBe(true);
  });
});

describe('JWT authorizer: the verified-token cache never accepts what a fresh check refuses', () => {
  it('refuses a cached token once the runtime clock passes its exp', async () => {
    const jwt = await token({ exp: now() + 60 });
    expect((await authorize(jwt)).ok).toBe(true);
    expect((await authorize(jwt)).ok).toBe(true); // now from the cache
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect((await authorize(jwt)).ok).toBe(false);
  });

  it('does not remember a refusal: a token refused for nbf is accepted once nbf has passed', async () => {
    const jwt = await token({ nbf: now() + 30 });
    expect((await authorize(jwt)).ok).toBe(false);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect((await authorize(jwt)).ok).toBe(true);
  });

  it('refuses a cached token whose key left the JWKS, and checks route scopes on every request', async () => {
    const jwt = await token({ scope: 'crm/read' });
    expect((await authorize(jwt, ['crm/read'])).ok).toBe(true);
    expect((await authorize(jwt, ['crm/admin'])).ok).toBe(false);
    const spy = vi.spyOn(cognito, 'jwksDocument').mockReturnValue({ keys: [] });
    try {
      expect((await authorize(jwt, ['crm/read'])).ok).toBe(false);
    } finally {
      spy.mockRestore();
    }
    expect((await authorize(jwt, ['crm/read'])).ok).toBe(true);
  });
});

describe('Cognito emulator tokens and admin API', () => {
  beforeAll(async () => {
    await cognito.handle('AdminCreateUser', {
      UserPoolId: 'local_cirrus', Username: 'jwt.user@example.com', MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: 'jwt.user@example.com' }, { Name: 'name', Value: 'J User' }, { Name: 'custom:tenantId', Value: 't1' }],
    });
    await cognito.handle('AdminSetUserPassword', { UserPoolId: 'local_cirrus', Username: 'jwt.user@example.com', Password: 'Passw0rd!', Permanent: true });
  });
  const signIn = async () => ((await cognito.handle('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT, AuthParameters: { USERNAME: 'jwt.user@example.com', PASSWORD: 'Passw0rd!' } })) as any).AuthenticationResult;

  // Claim lists of "Understanding the identity (ID) token" and "Understanding the access token"
  // (docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html, -access-token.html).
  it('gives the ID and access token their own jti, one origin_jti/event_id, and Cognito\'s claim sets', async () => {
    const r = await signIn();
    const id = decodeJwt(r.IdToken);
    const access = decodeJwt(r.AccessToken);
    expect(id.jti).not.toBe(access.jti);
    expect(id.origin_jti).toBe(access.origin_jti);
    expect(id.event_id).toBe(access.event_id);
    expect(id).toMatchObject({ iss: ISSUER, aud: CLIENT, token_use: 'id', 'cognito:username': 'jwt.user@example.com', email: 'jwt.user@example.com', email_verified: true, name: 'J User', 'custom:tenantId': 't1', auth_time: expect.any(Number) });
    expect(id).not.toHaveProperty('client_id');
    expect(access).toMatchObject({ iss: ISSUER, client_id: CLIENT, token_use: 'access', scope: 'aws.cognito.signin.user.admin', username: 'jwt.user@example.com', sub: id.sub });
    expect(access).not.toHaveProperty('aud');
    expect(id).not.toHaveProperty('cognito:groups'); // no group yet: Cognito leaves the claim out
    expect((await http.authorizeToken(`Bearer ${r.IdToken}`)).ok).toBe(true);
    expect((await http.authorizeToken(`Bearer ${r.AccessToken}`)).ok).toBe(true);
  });

  it('keeps auth_time and origin_jti across a refresh, with new jti values', async () => {
    const r = await signIn();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 120_000);
    const refreshed = ((await cognito.handle('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT, AuthParameters: { REFRESH_TOKEN: r.RefreshToken } })) as any).AuthenticationResult;
    const [before, after] = [decodeJwt(r.IdToken), decodeJwt(refreshed.IdToken)];
    expect(after.auth_time).toBe(before.auth_time);
    expect(after.origin_jti).toBe(before.origin_jti);
    expect(after.jti).not.toBe(before.jti);
    expect(after.iat).toBeGreaterThan(before.iat!);
  });

  it('lists groups once the user has one', async () => {
    await cognito.handle('AdminAddUserToGroup', { UserPoolId: 'local_cirrus', Username: 'jwt.user@example.com', GroupName: 'rep' });
    const r = await signIn();
    expect(decodeJwt(r.IdToken)['cognito:groups']).toEqual(['rep']);
    expect(decodeJwt(r.AccessToken)['cognito:groups']).toEqual(['rep']);
  });

  it('refuses what Cognito refuses in the admin API, with its error types', async () => {
    const pool = 'local_cirrus';
    const err = (op: string, input: Record<string, unknown>) => cognito.handle(op, { UserPoolId: pool, ...input }).then(() => undefined, (e) => e);
    expect(await err('AdminSetUserPassword', { Username: 'jwt.user@example.com', Password: 'short1!' })).toMatchObject({ type: 'InvalidPasswordException', message: 'Password does not conform to policy: Password not long enough' });
    expect(await err('AdminSetUserPassword', { Username: 'jwt.user@example.com', Password: 'nouppercase1!' })).toMatchObject({ type: 'InvalidPasswordException' });
    expect(await err('AdminSetUserPassword', { Username: 'nobody@example.com', Password: 'Passw0rd!' })).toMatchObject({ type: 'UserNotFoundException' });
    expect(await err('AdminCreateUser', { Username: 'jwt.user@example.com', UserAttributes: [{ Name: 'email', Value: 'jwt.user@example.com' }] })).toMatchObject({ type: 'UsernameExistsException' });
    expect(await err('AdminCreateUser', { Username: 'x@example.com', UserAttributes: [{ Name: 'email', Value: 'x@example.com' }, { Name: 'custom:role', Value: 'admin' }] })).toMatchObject({ type: 'InvalidParameterException' });
    expect(await err('AdminCreateUser', { Username: 'y@example.com', UserAttributes: [{ Name: 'email', Value: 'y@example.com' }, { Name: 'custom:tenantId', Value: '' }] })).toMatchObject({ type: 'InvalidParameterException' });
    expect(await err('AdminCreateUser', { UserAttributes: [{ Name: 'email', Value: 'z@example.com' }] })).toMatchObject({ type: 'InvalidParameterException' });
    expect(await err('AdminAddUserToGroup', { Username: 'nobody@example.com', GroupName: 'rep' })).toMatchObject({ type: 'UserNotFoundException' });
    expect(await err('AdminGetUser', { UserPoolId: 'us-east-1_other', Username: 'jwt.user@example.com' })).toMatchObject({ type: 'ResourceNotFoundException' });
  });
});
