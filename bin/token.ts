/**
 * `npm run -s token -- <email> [password]` prints ONLY the user's Cognito ID token (for curl, scripts).
 *
 * Target: the local runtime at CIRRUS_URL (default http://localhost:3000, its /config.json names the
 * pool client); or, when CIRRUS_URL is not set and cdk-outputs.json exists (`cdk deploy --outputs-file
 * cdk-outputs.json`), the deployed user pool client (UserPoolClientId, Region) against real Cognito.
 * Sign-in is USER_PASSWORD_AUTH through the Cognito SDK client. Errors: one line on stderr, exit 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';

const die = (message: string): never => {
  process.stderr.write(`token: ${message.split('\n')[0]}\n`);
  process.exit(1);
};

interface Target { region: string; clientId: string; endpoint?: string; where: string }

function fromOutputs(file: string): Target {
  let outputs: Record<string, Record<string, string>>;
  try {
    outputs = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return die(`cannot read ${file}: ${(error as Error).message}`);
  }
  const all = Object.values(outputs).reduce<Record<string, string>>((acc, o) => ({ ...acc, ...o }), {});
  const find = (key: string) => Object.entries(all).find(([k]) => k === key || k.startsWith(key))?.[1];
  const clientId = find('UserPoolClientId');
  const region = find('Region') ?? process.env.AWS_REGION;
  if (!clientId || !region) return die(`${file} has no UserPoolClientId/Region outputs; set CIRRUS_URL to use a local runtime`);
  return { clientId, region, where: 'Cognito' };
}

async function fromLocal(base: string): Promise<Target> {
  const url = base.replace(/\/$/, '');
  let res: Response;
  try {
    res = await fetch(`${url}/config.json`, { signal: AbortSignal.timeout(5000) });
  } catch {
    return die(`no Cirrus runtime answers at ${url} (start it with \`npm start\` or set CIRRUS_URL)`);
  }
  if (!res.ok) return die(`${url}/config.json answered ${res.status}`);
  const cfg = (await res.json()) as { region: string; userPoolClientId: string; cognitoEndpoint?: string };
  return { region: cfg.region, clientId: cfg.userPoolClientId, endpoint: url, where: url };
}

async function main() {
  const [email, password = 'Demo123!'] = process.argv.slice(2).filter((a) => a !== '--');
  if (!email) die('usage: npm run -s token -- <email> [password]');
  const outputs = resolve(process.cwd(), 'cdk-outputs.json');
  const target = !process.env.CIRRUS_URL && existsSync(outputs) ? fromOutputs(outputs) : await fromLocal(process.env.CIRRUS_URL ?? 'http://localhost:3000');
  const client = new CognitoIdentityProviderClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  try {
    const res = await client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: target.clientId, AuthParameters: { USERNAME: email!, PASSWORD: password } }));
    const token = res.AuthenticationResult?.IdToken;
    if (!token) die(res.ChallengeName ? `${target.where} asks for ${res.ChallengeName}; finish it in the web app first` : 'no ID token in the answer');
    process.stdout.write(`${token}\n`);
  } catch (error) {
    die(`${(error as Error).name}: ${(error as Error).message}`);
  }
}

main().catch((error) => die(String((error as Error)?.message ?? error)));
