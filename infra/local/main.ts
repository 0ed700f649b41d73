/**
 * `npm start`: the whole product on a laptop, one process tree, one port (PLT-1).
 *
 * DynamoDB Local (child process) + in-process emulators for Cognito, EventBridge, Scheduler, SES and S3 that
 * speak the AWS wire protocols on the same port, the HTTP API in front of the route handlers, the table
 * stream → forwarder mapping, and the built SPA. Handlers are the declared `entry` files, imported
 * in-process and reached by the SDK through the standard AWS_ENDPOINT_URL_<SERVICE> variables; there is
 * no "if local" in functions/. docs/local-runtime.md describes it all.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdirSync } from 'node:fs';
import {
  ACCOUNT_ID, EVENT_BUS_NAME, MAIL_FROM, REGION, ROOT, SCHEDULER_ROLE_ARN, SCHEDULE_GROUP_NAME, SES_CONFIGURATION_SET,
  TABLE_NAME, USER_POOL_CLIENT_ID, USER_POOL_ID, lambdaArn, readConfig,
} from './config.ts';
import { advanceClock, installClock } from './clock.ts';
import { StartupError } from './dynamodb.ts';

const fail = (message: string): never => {
  process.stderr.write(`cirrus: ${message}\n`);
  process.exit(1);
};

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  fail((error as Error).message);
}
mkdirSync(config!.dataDir, { recursive: true });
// The clock first: everything imported after this sees the runtime's (movable) time.
installClock(join(config!.dataDir, 'clock.json'));

async function main(cfg: ReturnType<typeof readConfig>) {
  const { assertJava, startDynamoLocal, ensureTable } = await import('./dynamodb.ts');
  assertJava();

  // 1. The port first, so "port taken" is reported at once. Until ready, API calls answer 503.
  let app: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (app) return void app(req, res).catch((error) => {
      console.error('[local] request failed:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Internal Server Error' }));
    });
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(JSON.stringify({ message: 'Starting' }));
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new StartupError(`port ${cfg.port} on ${cfg.host} is already in use; stop the other process or start with PORT=<another port> npm start`));
      else if (error.code === 'EACCES') reject(new StartupError(`no permission to listen on ${cfg.host}:${cfg.port}; pick a PORT above 1024`));
      else reject(error);
    });
    server.listen(cfg.port, cfg.host, () => resolveListen());
  });
  const port = (server.address() as { port: number }).port;
  const publicUrl = process.env.CIRRUS_PUBLIC_URL ? cfg.publicUrl : `http://localhost:${port}`;
  const issuer = `${publicUrl}/${USER_POOL_ID}`;
  const selfUrl = `http://${cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${port}`;

  // 2. DynamoDB Local.
  const dynamo = await startDynamoLocal(cfg.inMemoryDynamo ? null : join(cfg.dataDir, 'dynamodb'));
  let stopping = false;
  process.on('exit', () => {
    if (dynamo.process.exitCode === null) dynamo.process.kill('SIGKILL');
  });
  dynamo.process.once('exit', (code) => {
    if (!stopping) fail(`DynamoDB Local stopped unexpectedly (code ${code})`);
  });

  // 3. The environment a deployed function gets, before any handler is imported.
  const { allFunctions, inboundMail, rules: declaredRules, scheduleTargets: declaredTargets, schedules, routes, streamForwarder, table, scheduleTargetEnvName } = await import('../declarations/index.ts');
  let rules = [...declaredRules];
  let scheduleTargets = [...declaredTargets];
  const extra = process.env.CIRRUS_EXTRA_DECLARATIONS;
  if (extra) {
    // Test-only: extra rules and schedule targets (test/support/fixtures/), never used by `npm start`.
    const mod = await import(pathToFileURL(isAbsolute(extra) ? extra : resolve(ROOT, extra)).href);
    rules = [...rules, ...(mod.rules ?? [])];
    scheduleTargets = [...scheduleTargets, ...(mod.scheduleTargets ?? [])];
  }
  const { S3Emulator, LOCAL_FILES_BUCKET } = await import('./s3.ts');
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME,
    EVENT_BUS_NAME,
    SCHEDULE_GROUP_NAME,
    SCHEDULER_ROLE_ARN,
    MAIL_FROM,
    SES_CONFIGURATION_SET,
    APP_URL: publicUrl,
    USER_POOL_ID,
    USER_POOL_CLIENT_ID,
    // The bench routes the handlers' DynamoDB calls through a counting proxy; otherwise DynamoDB Local itself.
    AWS_ENDPOINT_URL_DYNAMODB: process.env.CIRRUS_HANDLER_DYNAMODB_ENDPOINT ?? dynamo.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: selfUrl,
    AWS_ENDPOINT_URL_SCHEDULER: selfUrl,
    AWS_ENDPOINT_URL_SESV2: selfUrl,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: selfUrl,
    // S3 at the URL the browser uses, so presigned URLs made by handlers are same-origin for the SPA.
    AWS_ENDPOINT_URL_S3: publicUrl,
    S3_FORCE_PATH_STYLE: 'true',
    FILES_BUCKET: LOCAL_FILES_BUCKET,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    POWERTOOLS_DEV: process.env.POWERTOOLS_DEV ?? 'false',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // EMF metrics are CloudWatch's input; on a laptop they would only flood the console (set to false to see them).
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  for (const t of scheduleTargets) process.env[scheduleTargetEnvName(t.name)] = lambdaArn(t.name);
  for (const s of schedules) process.env[scheduleTargetEnvName(s.target.name)] = lambdaArn(s.target.name);

  const { registerFunction } = await import('./lambda.ts');
  for (const f of [...allFunctions(), ...rules.map((r) => r.target), ...scheduleTargets]) registerFunction(f);

  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const ddb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION });
  const streamArn = await ensureTable(ddb, TABLE_NAME, table);

  // 4. Emulators.
  const { CognitoEmulator } = await import('./cognito.ts');
  const { EventBridgeEmulator } = await import('./eventbridge.ts');
  const { SchedulerEmulator } = await import('./scheduler.ts');
  const { SesEmulator } = await import('./ses.ts');
  const { HttpApi } = await import('./http-api.ts');
  const { StreamPoller } = await import('./stream.ts');
  const { createApp } = await import('./app.ts');
  const cognito = CognitoEmulator.at(cfg.dataDir, issuer);
  await cognito.init();
  const events = new EventBridgeEmulator(rules, cfg.dataDir);
  const scheduler = new SchedulerEmulator(cfg.dataDir);
  scheduler.installDeclared(schedules);
  const ses = new SesEmulator(cfg.dataDir, REGION);
  // Issue 10: the configuration set's event publishing (EventBridge destination: the default bus), forwarded to the Cirrus bus.
  const { sesEventForwarding } = await import('../declarations/marketing-consent.ts');
  events.forwardFromDefaultBus([sesEventForwarding]);
  ses.publishEvents({ configurationSet: SES_CONFIGURATION_SET, trackOpensAndClicks: true, publicUrl, emit: (e) => events.publishServiceEvent(e) });
  const s3 = new S3Emulator({ dataDir: cfg.dataDir, region: REGION, credentials: { [process.env.AWS_ACCESS_KEY_ID!]: process.env.AWS_SECRET_ACCESS_KEY! } });
  s3.createBucket(LOCAL_FILES_BUCKET);
  const httpApi = new HttpApi(routes, cognito, new URL(publicUrl).host);
  const stream = new StreamPoller(dynamo.endpoint, streamArn, streamForwarder, cfg.dataDir);
  const { SesInboundEmulator } = await import('./ses-inbound.ts');
  const inbound = new SesInboundEmulator({
    declaration: inboundMail, bucket: LOCAL_FILES_BUCKET, s3Endpoint: selfUrl, region: REGION,
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
  });

  // 5. Serve the AWS endpoints (the seed's record service publishes events through them), then seed.
  app = createApp({ cognito, events, scheduler, ses, s3, inbound, httpApi, stream, publicUrl, smtp: () => smtpPort, advanceClock, webRoot: join(ROOT, 'dist/web'), ready: () => ready });
  let ready = false;
  stream.start();
  scheduler.start();
  const firstStart = cognito.isEmpty;
  if (firstStart) {
    const { seed } = await import('./seed.ts');
    await seed(cognito, ddb, TABLE_NAME);
  }
  // 6. SES receiving's SMTP side (support email), once the functions it invokes can run.
  let smtpPort: number | undefined;
  if (cfg.smtpPort !== undefined) {
    try {
      smtpPort = await inbound.listen(cfg.smtpPort, cfg.host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new StartupError(code === 'EADDRINUSE'
        ? `SMTP port ${cfg.smtpPort} on ${cfg.host} is already in use; stop the other process or start with SMTP_PORT=<another port> (or SMTP_PORT=off) npm start`
        : `cannot listen for SMTP on ${cfg.host}:${cfg.smtpPort}: ${(error as Error).message}`);
    }
  }
  ready = true;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    scheduler.stop();
    server.close();
    void inbound.close();
    await Promise.race([stream.stop(), new Promise((r) => setTimeout(r, 2000))]);
    dynamo.process.kill('SIGTERM');
    const timer = setTimeout(() => dynamo.process.kill('SIGKILL'), 3000);
    await new Promise((r) => (dynamo.process.exitCode !== null ? r(null) : dynamo.process.once('exit', r)));
    clearTimeout(timer);
    void signal;
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (smtpPort !== undefined) console.log(`Support email: SMTP on ${cfg.host}:${smtpPort} (mail to support@demo.local opens a ticket)`);
  console.log(`Cirrus CRM is ready at ${publicUrl} — sign in as admin@demo.local / Demo123! (data: ${cfg.inMemoryDynamo ? 'in memory' : cfg.dataDir}${firstStart ? ', demo data seeded' : ''}; account ${ACCOUNT_ID})`);
}

main(config!).catch((error) => {
  if (error instanceof StartupError) fail(error.message);
  fail(`failed to start: ${(error as Error)?.message ?? error}`);
});
