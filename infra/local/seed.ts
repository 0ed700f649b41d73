import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { USER_POOL_ID } from './config.ts';
import type { CognitoEmulator } from './cognito.ts';

/** Demo users for a first start: Cognito users + groups, their directory items, then demo records. */
export const DEMO_PASSWORD = 'Demo123!';

interface SeedUser { email: string; name: string; role: string; tenantId: string; language: 'zh-CN' | 'en' }

export const SEED_USERS: SeedUser[] = [
  { email: 'admin@demo.local', name: 'Alice Admin', role: 'admin', tenantId: 'demo', language: 'en' },
  { email: 'manager@demo.local', name: '王磊 Wang Lei', role: 'manager', tenantId: 'demo', language: 'zh-CN' },
  { email: 'rep1@demo.local', name: '李娜 Li Na', role: 'rep', tenantId: 'demo', language: 'zh-CN' },
  { email: 'rep2@demo.local', name: 'Tom Baker', role: 'rep', tenantId: 'demo', language: 'en' },
  { email: 'marketer@demo.local', name: '张敏 Zhang Min', role: 'marketer', tenantId: 'demo', language: 'zh-CN' },
  { email: 'agent@demo.local', name: 'Sam Lee', role: 'agent', tenantId: 'demo', language: 'en' },
  { email: 'admin@acme.local', name: 'Acme Admin', role: 'admin', tenantId: 'acme', language: 'en' },
];

export async function seed(cognito: CognitoEmulator, dynamo: DynamoDBClient, tableName: string): Promise<void> {
  const ids = new Map<string, string>();
  // Through the Cognito API, exactly as an admin script would against a real pool.
  for (const u of SEED_USERS) {
    const { User } = (await cognito.handle('AdminCreateUser', {
      UserPoolId: USER_POOL_ID, Username: u.email, MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: u.email }, { Name: 'email_verified', Value: 'true' }, { Name: 'name', Value: u.name }, { Name: 'custom:tenantId', Value: u.tenantId }, { Name: 'locale', Value: u.language }],
    })) as { User: { Attributes: { Name: string; Value: string }[] } };
    ids.set(u.email, User.Attributes.find((a) => a.Name === 'sub')!.Value);
    await cognito.handle('AdminSetUserPassword', { UserPoolId: USER_POOL_ID, Username: u.email, Password: DEMO_PASSWORD, Permanent: true });
    await cognito.handle('AdminAddUserToGroup', { UserPoolId: USER_POOL_ID, Username: u.email, GroupName: u.role });
  }
  const createdAt = new Date().toISOString();
  const managerId = ids.get('manager@demo.local')!;
  for (const u of SEED_USERS) {
    const sub = ids.get(u.email)!;
    const item = {
      pk: `T#${u.tenantId}#user`, sk: sub, entityType: 'user',
      id: sub, email: u.email, name: u.name, role: u.role, language: u.language,
      ...(u.role === 'rep' && u.tenantId === 'demo' ? { managerId } : {}),
      createdAt,
    };
    await dynamo.send(new PutItemCommand({ TableName: tableName, Item: marshall(item) }));
  }
  // The demo tenant's service desk (issue 9): its support address, and the support queue worked by the agent
  // and managed by the manager, on the product's calendars and standard SLA policy.
  const { defaultServiceDesk } = await import('../../schemas/service-desk.ts');
  const { keys } = await import('../../functions/commons/keys.ts');
  const desk = defaultServiceDesk('Asia/Shanghai');
  desk.queues[0] = { ...desk.queues[0]!, managerId, agentIds: [ids.get('agent@demo.local')!] };
  desk.supportAddresses = [{ address: 'support@demo.local', name: 'Demo Support', queueId: 'support', language: 'zh-CN' }];
  await dynamo.send(new PutItemCommand({ TableName: tableName, Item: marshall({ pk: keys.config('demo'), sk: keys.serviceDeskSk, entityType: 'service-desk', settings: desk, version: 1, updatedAt: createdAt }, { removeUndefinedValues: true }) }));
  // Mail to the support address finds its tenant (the settings' save keeps these routes).
  for (const a of desk.supportAddresses) {
    await dynamo.send(new PutItemCommand({ TableName: tableName, Item: marshall({ pk: keys.route('mail', a.address.toLowerCase()), sk: keys.routeSk, entityType: 'route', tenantId: 'demo' }) }));
  }
  const { seedRecords } = await import('./seed-records.ts');
  const owner = (email: string) => ({ id: ids.get(email)!, email, name: SEED_USERS.find((u) => u.email === email)!.name });
  await seedRecords('demo', [owner('rep1@demo.local'), owner('rep2@demo.local')]);
  await seedRecords('acme', [owner('admin@acme.local')]);
  const { seedArticles } = await import('./seed-articles.ts');
  await seedArticles('demo', owner('agent@demo.local'));
  const { seedMarketing } = await import('./seed-marketing.ts');
  await seedMarketing('demo', owner('marketer@demo.local'));
}
