import { CognitoIdentityProviderClient, GetUserCommand, InitiateAuthCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ConflictException, CreateScheduleCommand, GetScheduleCommand, ListSchedulesCommand, ResourceNotFoundException, SchedulerClient, ValidationException } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SignJWT, createRemoteJWKSet, decodeJwt, generateKeyPair, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, busEvents, login, sentMail, sleep, unique, until } from '../support/client.ts';

/**
 * PLT-1: the local runtime itself. Real SDK v3 clients reach the emulators only through the standard
 * AWS_ENDPOINT_URL_<SERVICE> variables (no endpoint option), exactly as the functions do.
 */
const CLIENT_ID = 'cirrus-local-client';


async function invocations(fn: string): Promise<any[]> {
  const res = await fetch(`${baseUrl()}/_local/invocations?function=${fn}`);
  return ((await res.json()) as { invocations: any[] }).invocations;
}
const probeCalls = async (key: string) => (await invocations('test-probe')).filter((i) => (i.event.detail?.key ?? i.event.key) === key);
async function runtimeNow(): Promise<number> {
  return Date.parse(((await (await fetch(`${baseUrl()}/_local/clock`)).json()) as { now: string }).now);
}

let cognito: CognitoIdentityProviderClient;
let events: EventBridgeClient;
let scheduler: SchedulerClient;
let ses: SESv2Client;

beforeAll(() => {
  for (const service of ['EVENTBRIDGE', 'SCHEDULER', 'SESV2', 'COGNITO_IDENTITY_PROVIDER']) process.env[`AWS_ENDPOINT_URL_${service}`] = baseUrl();
  const common = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  cognito = new CognitoIdentityProviderClient(common);
  events = new EventBridgeClient(common);
  scheduler = new SchedulerClient(common);
  ses = new SESv2Client(common);
});

describe('HTTP API and JWT authorizer', () => {
  it('serves public routes without a token and 404s unknown routes like API Gateway', async () => {
    const health = await api()('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    // (`/api/<anything>` is a route now, `GET /api/{object}`, so it answers 401 without a token, as on AWS.)
    const missing = await api()('GET', '/api/no/such/thing/here');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: 'Not Found' });
  });

  it('answers 401 {"message":"Unauthorized"} without a token, with a bad one, another issuer or a stranger key', async () => {
    const good = await login('rep1@demo.local');
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(good), 'custom:tenantId': 'acme' })).toString('base64url')}.${s}`;
    const { privateKey } = await generateKeyPair('RS256');
    const claims = decodeJwt(good);
    const now = Math.floor((await runtimeNow()) / 1000);
    const forged = await new SignJWT({ ...claims, iat: now, exp: now + 3600 }).setProtectedHeader({ alg: 'RS256', kid: 'nope' }).sign(privateKey);
    const otherIssuer = await new SignJWT({ ...claims, iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other', iat: now, exp: now + 3600 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    for (const auth of [undefined, 'Bearer', 'Bearer not.a.jwt', `Basic ${good}`, `Bearer ${tampered}`, `Bearer ${forged}`, `Bearer ${otherIssuer}`, `Bearer ${h}.${p}.`]) {
      const res = await api()('GET', '/api/me', undefined, auth ? { authorization: auth } : {});
      expect(res.status, String(auth).slice(0, 20)).toBe(401);
      expect(res.body).toEqual({ message: 'Unauthorized' });
    }
    expect((await api(good)('GET', '/api/me')).status).toBe(200);
  });

  it('hands the handler an API Gateway v2 event with flattened claims', async () => {
    const token = await login('manager@demo.local');
    const res = await api(token)('GET', '/api/me?x=1&x=2');
    expect(res.status).toBe(200);
    const call = (await invocations('directory')).at(-1)!;
    expect(call.event).toMatchObject({
      version: '2.0', routeKey: 'GET /api/me', rawPath: '/api/me', rawQueryString: 'x=1&x=2', queryStringParameters: { x: '1,2' },
      requestContext: { http: { method: 'GET', path: '/api/me' }, stage: '$default', authorizer: { jwt: { claims: { 'cognito:groups': '[manager]', 'custom:tenantId': 'demo', token_use: 'id', aud: CLIENT_ID } } } },
    });
    // The runtime keeps invocations with credentials redacted (the handler itself got the token).
    expect(call.event.headers.authorization).toBe('Bearer [redacted]');
    expect(typeof call.event.requestContext.timeEpoch).toBe('number');
  });
});

describe('Cognito emulator', () => {
  it('refuses a wrong password or an unknown user with NotAuthorizedException', async () => {
    for (const [USERNAME, PASSWORD] of [['rep1@demo.local', 'wrong'], ['nobody@demo.local', 'Demo123!']]) {
      const error = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: USERNAME!, PASSWORD: PASSWORD! } })).catch((e) => e);
      expect(error).toBeInstanceOf(NotAuthorizedException);
      expect(error.message).toBe('Incorrect username or password.');
    }
  });

  it('issues Cognito-shaped ID and access tokens verifiable against the JWKS, and refreshes them', async () => {
    const { AuthenticationResult: r } = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'rep1@demo.local', PASSWORD: 'Demo123!' } }));
    expect(r).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600, RefreshToken: expect.any(String) });
    const issuer = `${baseUrl()}/local_cirrus`;
    const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
    const now = await runtimeNow();
    const { payload: id } = await jwtVerify(r!.IdToken!, jwks, { issuer, audience: CLIENT_ID, currentDate: new Date(now) });
    expect(id).toMatchObject({ token_use: 'id', email: 'rep1@demo.local', email_verified: true, name: '李娜 Li Na', 'cognito:groups': ['rep'], 'custom:tenantId': 'demo', 'cognito:username': 'rep1@demo.local' });
    expect(id.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(id.exp! - id.iat!).toBe(3600);
    expect(typeof id.auth_time).toBe('number');
    const { payload: access } = await jwtVerify(r!.AccessToken!, jwks, { issuer, currentDate: new Date(now) });
    expect(access).toMatchObject({ token_use: 'access', client_id: CLIENT_ID, username: 'rep1@demo.local', sub: id.sub });
    const user = await cognito.send(new GetUserCommand({ AccessToken: r!.AccessToken! }));
    expect(user.UserAttributes?.find((a) => a.Name === 'custom:tenantId')?.Value).toBe('demo');
    const refreshed = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT_ID, AuthParameters: { REFRESH_TOKEN: r!.RefreshToken! } }));
    expect(decodeJwt(refreshed.AuthenticationResult!.IdToken!).sub).toBe(id.sub);
    const wrongClient = await cognito.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'other', AuthParameters: { USERNAME: 'rep1@demo.local', PASSWORD: 'Demo123!' } })).catch((e) => e);
    expect(wrongClient.name).toBe('ResourceNotFoundException');
  });

  it('publishes the SPA config for the browser SDK', async () => {
    const res = await api()('GET', '/config.json');
    expect(res.body).toEqual({ region: 'us-east-1', userPoolId: 'local_cirrus', userPoolClientId: CLIENT_ID, cognitoEndpoint: baseUrl() });
    const pre = await fetch(baseUrl(), { method: 'OPTIONS', headers: { origin: 'http://example.test', 'access-control-request-method': 'POST' } });
    // Same origin only: the SPA needs no CORS, and no other page may read the emulators.
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('SES v2 emulator', () => {
  it('accepts SendEmail from the real client and lists it at /_aws/ses in LocalStack shape', async () => {
    const to = `someone.${unique()}@example.com`;
    const { MessageId } = await ses.send(new SendEmailCommand({
      FromEmailAddress: 'no-reply@cirrus.local', Destination: { ToAddresses: [to] }, ConfigurationSetName: 'cirrus-local',
      Content: { Simple: { Subject: { Data: 'Hello 你好' }, Body: { Text: { Data: 'plain' }, Html: { Data: '<p>html</p>' } } } },
    }));
    expect(MessageId).toEqual(expect.any(String));
    const mine = await sentMail(to);
    expect(mine).toEqual([{
      Id: MessageId, Region: 'us-east-1', Source: 'no-reply@cirrus.local', Destination: { ToAddresses: [to] }, Subject: 'Hello 你好',
      // The configuration set tracks opens and clicks (as the deployed one does): SES adds its open pixel.
      Body: { text_part: 'plain', html_part: expect.stringMatching(new RegExp(`^<p>html</p><img src="[^"]+/_aws/ses/open/${MessageId}" width="1" height="1"`)) },
      Timestamp: expect.any(String),
    }]);
    expect((await sentMail()).some((m) => m.Id === MessageId)).toBe(true);
    // Without a configuration set nothing is tracked: the HTML is sent as given.
    const plainTo = `plain.${unique()}@example.com`;
    await ses.send(new SendEmailCommand({
      FromEmailAddress: 'no-reply@cirrus.local', Destination: { ToAddresses: [plainTo] },
      Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Html: { Data: '<p>html</p>' } } } },
    }));
    expect((await sentMail(plainTo))[0]?.Body).toEqual({ text_part: null, html_part: '<p>html</p>' });
    const bad = await ses.send(new SendEmailCommand({ FromEmailAddress: 'x', Destination: { ToAddresses: [to] }, Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } })).catch((e) => e);
    expect(bad.name).toBe('BadRequestException');
  });
});

describe('EventBridge emulator', () => {
  it('accepts PutEvents from the real client, keeps the events and reports malformed entries', async () => {
    const key = unique();
    const res = await events.send(new PutEventsCommand({ Entries: [
      { Source: 'test.other', DetailType: 'thing.happened', Detail: JSON.stringify({ key }) },
      { Source: 'test.other', DetailType: 'thing.happened', Detail: 'not json' },
    ] }));
    expect(res.FailedEntryCount).toBe(1);
    expect(res.Entries![0]!.EventId).toEqual(expect.any(String));
    expect(res.Entries![1]!.ErrorCode).toBe('MalformedDetail');
    const seen = (await busEvents()).filter((e) => e.detail?.key === key);
    expect(seen).toEqual([{ version: '0', id: res.Entries![0]!.EventId, 'detail-type': 'thing.happened', source: 'test.other', account: '000000000000', time: expect.any(String), region: 'us-east-1', resources: [], detail: { key } }]);
  });

  it('delivers matching events to the rule target, not the others, and dead-letters after the retries', async () => {
    const [hit, miss, ignored, failing] = [unique(), unique(), unique(), unique()];
    await events.send(new PutEventsCommand({ Entries: [
      { EventBusName: 'cirrus-local-bus', Source: 'test.probe', DetailType: 'probe', Detail: JSON.stringify({ key: hit, kind: 'match-1', tier: 'gold' }) },
      { EventBusName: 'cirrus-local-bus', Source: 'test.probe', DetailType: 'probe', Detail: JSON.stringify({ key: miss, kind: 'other' }) },
      { EventBusName: 'cirrus-local-bus', Source: 'test.probe', DetailType: 'probe', Detail: JSON.stringify({ key: ignored, kind: 'match-2', tier: 'ignored' }) },
      { EventBusName: 'cirrus-local-bus', Source: 'test.probe', DetailType: 'probe', Detail: JSON.stringify({ key: failing, kind: 'match-3', tier: 'gold', fail: true }) },
    ] }));
    const calls = await until(() => probeCalls(hit), (c) => c.length > 0);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ ok: true, trigger: 'rule test-probe', event: { version: '0', source: 'test.probe', 'detail-type': 'probe', detail: { key: hit } } });
    const failed = await until(() => probeCalls(failing), (c) => c.length >= 3, 10_000);
    expect(failed).toHaveLength(3); // 1 + retryAttempts (2)
    const dead = await until(async () => ((await (await fetch(`${baseUrl()}/_aws/events/dead-letters`)).json()) as any).deadLetters as any[], (d) => d.some((x) => x.event.detail.key === failing));
    expect(dead.find((x) => x.event.detail.key === failing)).toMatchObject({ rule: 'test-probe', target: 'test-probe', attempts: 3 });
    expect(await probeCalls(miss)).toHaveLength(0);
    expect(await probeCalls(ignored)).toHaveLength(0);
  });
});

describe('Scheduler emulator and the clock', () => {
  const group = 'cirrus-local-schedules';
  const target = (key: string) => ({ Arn: 'arn:aws:lambda:us-east-1:000000000000:function:test-probe', RoleArn: 'arn:aws:iam::000000000000:role/cirrus-local-scheduler', Input: JSON.stringify({ key }) });
  const at = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;

  it('fires a one-time schedule once when the clock passes it, then deletes it', async () => {
    const key = unique();
    const Name = `probe-${key}`;
    const now = await runtimeNow();
    await scheduler.send(new CreateScheduleCommand({ Name, GroupName: group, ScheduleExpression: at(now + 3600_000), ScheduleExpressionTimezone: 'UTC', FlexibleTimeWindow: { Mode: 'OFF' }, ActionAfterCompletion: 'DELETE', Target: target(key) }));
    const got = await scheduler.send(new GetScheduleCommand({ Name, GroupName: group }));
    expect(got).toMatchObject({ Name, GroupName: group, State: 'ENABLED', ActionAfterCompletion: 'DELETE', Target: { Input: JSON.stringify({ key }) } });
    expect(got.CreationDate).toBeInstanceOf(Date);
    expect((await scheduler.send(new ListSchedulesCommand({ GroupName: group, NamePrefix: Name }))).Schedules?.map((s) => s.Name)).toEqual([Name]);
    const again = await scheduler.send(new CreateScheduleCommand({ Name, GroupName: group, ScheduleExpression: at(now + 3600_000), FlexibleTimeWindow: { Mode: 'OFF' }, Target: target(key) })).catch((e) => e);
    expect(again).toBeInstanceOf(ConflictException);

    await advanceClock(1800);
    expect(await probeCalls(key)).toHaveLength(0);
    const moved = await advanceClock(1900);
    expect(Date.parse(moved)).toBeGreaterThanOrEqual(now + 3700_000);
    const calls = await probeCalls(key);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ ok: true, event: { key }, trigger: `schedule ${group}/${Name}` });
    await advanceClock(7200);
    expect(await probeCalls(key)).toHaveLength(1);
    const gone = await scheduler.send(new GetScheduleCommand({ Name, GroupName: group })).catch((e) => e);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });

  it('keeps a completed schedule without ActionAfterCompletion and validates input', async () => {
    const key = unique();
    const Name = `keep-${key}`;
    const now = await runtimeNow();
    await scheduler.send(new CreateScheduleCommand({ Name, GroupName: group, ScheduleExpression: at(now + 60_000), FlexibleTimeWindow: { Mode: 'OFF' }, Target: target(key) }));
    await advanceClock(120);
    expect(await probeCalls(key)).toHaveLength(1);
    expect((await scheduler.send(new GetScheduleCommand({ Name, GroupName: group }))).Name).toBe(Name);
    const bad = await scheduler.send(new CreateScheduleCommand({ Name: `bad-${key}`, GroupName: group, ScheduleExpression: 'cron(0 9 * * *)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target(key) })).catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationException);
    const unknownTarget = await scheduler.send(new CreateScheduleCommand({ Name: `nt-${key}`, GroupName: group, ScheduleExpression: at(now + 60_000), FlexibleTimeWindow: { Mode: 'OFF' }, Target: { ...target(key), Arn: 'arn:aws:lambda:us-east-1:000000000000:function:nope' } })).catch((e) => e);
    expect(unknownTarget).toMatchObject({ ScheduleArn: expect.stringContaining(`nt-${key}`) }); // AWS accepts any function ARN; invoking it fails later
    const noGroup = await scheduler.send(new GetScheduleCommand({ Name, GroupName: 'elsewhere' })).catch((e) => e);
    expect(noGroup).toBeInstanceOf(ResourceNotFoundException);
  });

  it('moves token time too: an ID token expires after an hour of the runtime clock', async () => {
    const token = await login('rep2@demo.local');
    expect((await api(token)('GET', '/api/me')).status).toBe(200);
    await advanceClock(3601);
    const expired = await api(token)('GET', '/api/me');
    expect(expired.status).toBe(401);
    expect((await api(await login('rep2@demo.local'))('GET', '/api/me')).status).toBe(200);
  });
});

describe('web app', () => {
  it('serves the SPA with a fallback to index.html for client routes', async () => {
    const res = await fetch(`${baseUrl()}/contacts/123`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });
});
