import { createHash, randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, createLocalJWKSet, type JWK, type JWTPayload } from 'jose';
import { USER_POOL_CLIENT_ID, USER_POOL_ID } from './config.ts';
import { AwsError } from './protocol.ts';
import { readJson, writeJson } from './store.ts';

/**
 * Cognito user pool emulator (awsJson 1.1, `AWSCognitoIdentityProviderService.*`): one pool
 * (`local_cirrus`), one public app client (`cirrus-local-client`). Tokens are RS256 JWTs signed with a
 * key pair persisted in DATA_DIR and published at `/<poolId>/.well-known/jwks.json`; passwords are
 * stored as scrypt hashes.
 */
export interface LocalUser {
  username: string;
  sub: string;
  attributes: Record<string, string>;
  groups: string[];
  passwordHash?: string;
  enabled: boolean;
  createdAt: string;
}

interface State {
  key?: { kid: string; privateJwk: JWK; publicJwk: JWK };
  users: LocalUser[];
  /** A refresh token keeps the authentication it came from: its auth_time and origin_jti carry over. */
  refreshTokens: Record<string, { username: string; issuedAt: string; authTime?: number; originJti?: string }>;
}

const TOKEN_TTL_SECONDS = 3600;
/** The app client's refreshTokenValidity (infra/stacks/auth-stack.ts): 30 days. */
const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Cognito's default password policy (8 characters, lower and upper case, digits, symbols), refused with
 * InvalidPasswordException as Cognito words it. The deployed pool asks for 12 characters; the local pool
 * keeps the default so the documented demo password (Demo123!) works.
 */
export function checkPassword(password: string): void {
  const fail = (why: string) => {
    throw new AwsError('InvalidPasswordException', `Password does not conform to policy: ${why}`);
  };
  if (password.length < 8) fail('Password not long enough');
  if (!/[a-z]/.test(password)) fail('Password must have lowercase characters');
  if (!/[A-Z]/.test(password)) fail('Password must have uppercase characters');
  if (!/[0-9]/.test(password)) fail('Password must have numeric characters');
  if (!/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password)) fail('Password must have symbol characters');
}

/** The pool's schema (auth-stack.ts): standard attributes, and custom:tenantId of 1-63 characters; nothing else. */
const STANDARD_ATTRIBUTES = new Set(['address', 'birthdate', 'email', 'email_verified', 'family_name', 'gender', 'given_name', 'locale', 'middle_name', 'name', 'nickname', 'phone_number', 'phone_number_verified', 'picture', 'preferred_username', 'profile', 'updated_at', 'website', 'zoneinfo']);
function checkAttributes(attrs: Record<string, string>): void {
  const fail = (why: string) => {
    throw new AwsError('InvalidParameterException', `Attributes did not conform to the schema: ${why}`);
  };
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'custom:tenantId') {
      if (value.length < 1 || value.length > 63) fail(`${name}: Attribute value must be between 1 and 63 characters`);
    } else if (!STANDARD_ATTRIBUTES.has(name)) fail(`${name}: Attribute does not exist in the schema.`);
  }
  if (!attrs.email) fail('email: The attribute email is required');
}

export class CognitoEmulator {
  private state: State;
  private signingKey?: CryptoKey | Uint8Array;
  private jwks?: ReturnType<typeof createLocalJWKSet>;

  constructor(private readonly file: string, readonly issuer: string) {
    this.state = readJson<State>(file, { users: [], refreshTokens: {} });
    this.state.refreshTokens ??= {};
  }

  static at(dataDir: string, issuer: string) {
    return new CognitoEmulator(join(dataDir, 'cognito.json'), issuer);
  }

  async init(): Promise<void> {
    if (!this.state.key) {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      const kid = randomUUID();
      this.state.key = { kid, privateJwk: await exportJWK(privateKey), publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
      this.save();
    }
    this.signingKey = await importJWK(this.state.key.privateJwk, 'RS256');
    this.jwks = createLocalJWKSet(this.jwksDocument());
  }

  get isEmpty() {
    return this.state.users.length === 0;
  }

  jwksDocument(): { keys: JWK[] } {
    return { keys: [this.state.key!.publicJwk] };
  }

  private save() {
    writeJson(this.file, this.state);
  }

  private hash(password: string): string {
    const salt = randomBytes(16);
    return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
  }

  private check(user: LocalUser, password: string): boolean {
    const [, salt, hash] = (user.passwordHash ?? '').split('$');
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
    return timingSafeEqual(expected, actual);
  }

  private find(username: string | undefined): LocalUser | undefined {
    const u = String(username ?? '').toLowerCase();
    return this.state.users.find((x) => x.username.toLowerCase() === u || x.attributes.email?.toLowerCase() === u || x.sub === u);
  }

  /** A stable, uuid-shaped sub derived from the username (name-based, like uuid v5). */
  static subFor(username: string): string {
    const h = createHash('sha1').update(`cirrus-local:${username.toLowerCase()}`).digest();
    h[6] = (h[6]! & 0x0f) | 0x50;
    h[8] = (h[8]! & 0x3f) | 0x80;
    const x = h.subarray(0, 16).toString('hex');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  createUser(username: string, attributes: Record<string, string>, password?: string): LocalUser {
    if (this.find(username)) throw new AwsError('UsernameExistsException', 'User account already exists');
    const sub = CognitoEmulator.subFor(username);
    const user: LocalUser = {
      username, sub, attributes: { email_verified: 'true', ...attributes, sub }, groups: [],
      ...(password ? { passwordHash: this.hash(password) } : {}), enabled: true, createdAt: new Date().toISOString(),
    };
    this.state.users.push(user);
    this.save();
    return user;
  }

  private userOrThrow(username: string | undefined): LocalUser {
    const user = this.find(username);
    if (!user) throw new AwsError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  private checkPool(input: Record<string, any>) {
    if (input.UserPoolId !== USER_POOL_ID) throw new AwsError('ResourceNotFoundException', `User pool ${input.UserPoolId} does not exist.`);
  }

  /**
   * Cognito's token shapes (cognito/latest/developerguide amazon-cognito-user-pools-using-the-id-token /
   * -access-token): each token has its own `jti`; both share `origin_jti` and `event_id` of the
   * authentication; the ID token has `aud` = the client, `token_use: id`, `cognito:username` and the
   * user's attributes; the access token has `client_id` (no `aud`), `token_use: access`, `scope`,
   * `username`. `cognito:groups` is present only when the user is in a group. A refresh keeps the
   * original `auth_time` and `origin_jti`.
   */
  private async tokens(user: LocalUser, withRefresh: boolean, from?: { authTime?: number; originJti?: string }) {
    const now = Math.floor(Date.now() / 1000);
    const authTime = from?.authTime ?? now;
    const originJti = from?.originJti ?? randomUUID();
    const eventId = randomUUID();
    const groups = user.groups.length ? { 'cognito:groups': [...user.groups] } : {};
    const header = { alg: 'RS256', kid: this.state.key!.kid };
    const custom = Object.fromEntries(Object.entries(user.attributes).filter(([k]) => k.startsWith('custom:')));
    const idClaims: JWTPayload = {
      sub: user.sub,
      ...groups,
      ...(user.attributes.email !== undefined ? { email_verified: user.attributes.email_verified !== 'false' } : {}),
      iss: this.issuer,
      'cognito:username': user.username,
      origin_jti: originJti,
      aud: USER_POOL_CLIENT_ID,
      event_id: eventId,
      token_use: 'id',
      auth_time: authTime,
      ...(user.attributes.name ? { name: user.attributes.name } : {}),
      ...(user.attributes.locale ? { locale: user.attributes.locale } : {}),
      ...custom,
      exp: now + TOKEN_TTL_SECONDS,
      iat: now,
      jti: randomUUID(),
      ...(user.attributes.email !== undefined ? { email: user.attributes.email } : {}),
    };
    const accessClaims: JWTPayload = {
      sub: user.sub,
      ...groups,
      iss: this.issuer,
      client_id: USER_POOL_CLIENT_ID,
      origin_jti: originJti,
      event_id: eventId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: authTime,
      exp: now + TOKEN_TTL_SECONDS,
      iat: now,
      jti: randomUUID(),
      username: user.username,
    };
    const IdToken = await new SignJWT(idClaims).setProtectedHeader(header).sign(this.signingKey!);
    const AccessToken = await new SignJWT(accessClaims).setProtectedHeader(header).sign(this.signingKey!);
    let RefreshToken: string | undefined;
    if (withRefresh) {
      RefreshToken = randomBytes(48).toString('base64url');
      this.state.refreshTokens[RefreshToken] = { username: user.username, issuedAt: new Date().toISOString(), authTime, originJti };
      this.save();
    }
    return { IdToken, AccessToken, ...(RefreshToken ? { RefreshToken } : {}), ExpiresIn: TOKEN_TTL_SECONDS, TokenType: 'Bearer' };
  }

  /** Verifies a token issued by this pool (signature, issuer, expiry); used by GetUser and the API authorizer. */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.jwks!, { issuer: this.issuer, algorithms: ['RS256'] });
    return payload;
  }

  private userType(u: LocalUser) {
    return {
      Username: u.username,
      Attributes: Object.entries(u.attributes).map(([Name, Value]) => ({ Name, Value })),
      UserCreateDate: Date.parse(u.createdAt) / 1000,
      UserLastModifiedDate: Date.parse(u.createdAt) / 1000,
      Enabled: u.enabled,
      UserStatus: u.passwordHash ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
    };
  }

  async handle(operation: string, input: Record<string, any>): Promise<unknown> {
    switch (operation) {
      case 'InitiateAuth':
      case 'AdminInitiateAuth': {
        if (operation === 'AdminInitiateAuth') this.checkPool(input);
        if (input.ClientId !== USER_POOL_CLIENT_ID) throw new AwsError('ResourceNotFoundException', 'User pool client does not exist.');
        const params = (input.AuthParameters ?? {}) as Record<string, string>;
        const flow = input.AuthFlow;
        if (flow === 'USER_PASSWORD_AUTH' || flow === 'ADMIN_USER_PASSWORD_AUTH' || flow === 'ADMIN_NO_SRP_AUTH') {
          if (!params.USERNAME || !params.PASSWORD) throw new AwsError('InvalidParameterException', 'Missing required parameter USERNAME or PASSWORD');
          const user = this.find(params.USERNAME);
          if (!user || !this.check(user, params.PASSWORD)) throw new AwsError('NotAuthorizedException', 'Incorrect username or password.');
          if (!user.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
          return { ChallengeParameters: {}, AuthenticationResult: await this.tokens(user, true) };
        }
        if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
          const token = params.REFRESH_TOKEN ?? '';
          const entry = Object.hasOwn(this.state.refreshTokens, token) ? this.state.refreshTokens[token] : undefined;
          const user = entry && this.find(entry.username);
          if (!user || !user.enabled) throw new AwsError('NotAuthorizedException', 'Invalid Refresh Token');
          if (Date.parse(entry.issuedAt) + REFRESH_TOKEN_TTL_MS <= Date.now()) throw new AwsError('NotAuthorizedException', 'Refresh Token has expired');
          return { ChallengeParameters: {}, AuthenticationResult: await this.tokens(user, false, entry) };
        }
        throw new AwsError('InvalidParameterException', `Auth flow ${flow} is not supported by the local Cognito emulator (use USER_PASSWORD_AUTH or REFRESH_TOKEN_AUTH).`);
      }
      case 'GetUser': {
        let claims: JWTPayload;
        try {
          claims = await this.verify(String(input.AccessToken ?? ''));
        } catch {
          throw new AwsError('NotAuthorizedException', 'Invalid Access Token');
        }
        if (claims.token_use !== 'access') throw new AwsError('NotAuthorizedException', 'Invalid Access Token');
        const u = this.userOrThrow(String(claims.username));
        return { Username: u.username, UserAttributes: Object.entries(u.attributes).map(([Name, Value]) => ({ Name, Value })) };
      }
      case 'AdminCreateUser': {
        this.checkPool(input);
        if (typeof input.Username !== 'string' || input.Username.trim() === '') throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must not be null");
        const attrs = Object.fromEntries(((input.UserAttributes ?? []) as { Name: string; Value: string }[]).map((a) => [String(a?.Name), String(a?.Value ?? '')]));
        checkAttributes(attrs);
        if (input.TemporaryPassword !== undefined) checkPassword(String(input.TemporaryPassword));
        const user = this.createUser(input.Username, attrs, input.TemporaryPassword);
        return { User: this.userType(user) };
      }
      case 'AdminSetUserPassword': {
        this.checkPool(input);
        const user = this.userOrThrow(input.Username);
        checkPassword(String(input.Password ?? ''));
        user.passwordHash = this.hash(String(input.Password));
        this.save();
        return {};
      }
      case 'AdminAddUserToGroup': {
        this.checkPool(input);
        if (typeof input.GroupName !== 'string' || input.GroupName === '') throw new AwsError('InvalidParameterException', "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must not be null");
        const user = this.userOrThrow(input.Username);
        if (!user.groups.includes(input.GroupName)) user.groups.push(String(input.GroupName));
        this.save();
        return {};
      }
      case 'AdminGetUser': {
        this.checkPool(input);
        const u = this.userOrThrow(input.Username);
        const t = this.userType(u);
        return { Username: t.Username, UserAttributes: t.Attributes, UserCreateDate: t.UserCreateDate, UserLastModifiedDate: t.UserLastModifiedDate, Enabled: t.Enabled, UserStatus: t.UserStatus };
      }
      case 'AdminListGroupsForUser': {
        this.checkPool(input);
        const u = this.userOrThrow(input.Username);
        return { Groups: u.groups.map((GroupName) => ({ GroupName, UserPoolId: USER_POOL_ID })) };
      }
      case 'ListUsers': {
        this.checkPool(input);
        return { Users: this.state.users.map((u) => this.userType(u)) };
      }
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported by the local Cognito emulator`);
    }
  }
}
