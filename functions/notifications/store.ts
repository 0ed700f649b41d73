import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';

/** In-app notifications (PLT-7) and tasks (SFA-5) per user. */
export interface Notification {
  id: string;
  at: string;
  kind: string;
  read: boolean;
  subject: { type: string; id: string; name: string };
  data?: Record<string, unknown>;
}

const idOf = (sk: string) => Buffer.from(sk).toString('base64url');
const skOf = (id: string) => Buffer.from(id, 'base64url').toString('utf8');

/** Writes a notification once per (event, recipient); false when it already exists (a redelivered event). */
export async function notifyOnce(tenantId: string, userId: string, eventId: string, n: Omit<Notification, 'id' | 'read'>): Promise<boolean> {
  const sk = `${n.at}#${eventId}`;
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: { pk: keys.notifications(tenantId, userId), sk, entityType: 'notification', ...n, read: false, expiresAt: Math.floor(Date.parse(n.at) / 1000) + 90 * 86400 },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export async function alreadyNotified(tenantId: string, userId: string, eventId: string, at: string): Promise<boolean> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.notifications(tenantId, userId), sk: `${at}#${eventId}` } }));
  return Boolean(Item);
}

export async function listNotifications(tenantId: string, userId: string, limit: number): Promise<{ items: Notification[]; unread: number }> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.notifications(tenantId, userId) },
    ScanIndexForward: false, Limit: limit,
  }));
  const items = (res.Items ?? []).map((i) => ({ id: idOf(i.sk as string), at: i.at, kind: i.kind, read: Boolean(i.read), subject: i.subject, ...(i.data ? { data: i.data } : {}) }) as Notification);
  return { items, unread: items.filter((i) => !i.read).length };
}

export async function markRead(tenantId: string, userId: string, id: string): Promise<boolean> {
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: keys.notifications(tenantId, userId), sk: skOf(id) },
      UpdateExpression: 'SET #r = :t', ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#r': 'read' }, ExpressionAttributeValues: { ':t': true },
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** A task per (lead, assignment): key `T#t#task#<owner>` / `<dueAt>#<leadId>`, so open tasks list by due date. */
export interface Task {
  id: string;
  title: string;
  kind: 'call-back';
  dueAt: string;
  status: 'open' | 'done' | 'cancelled';
  subject: { type: string; id: string; name: string };
}

const taskPk = (tenantId: string, userId: string) => `T#${tenantId}#task#${userId}`;

export async function createTaskOnce(tenantId: string, userId: string, task: Omit<Task, 'id' | 'status'>): Promise<void> {
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: { pk: taskPk(tenantId, userId), sk: `${task.dueAt}#${task.subject.id}`, entityType: 'task', ...task, status: 'open' },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export async function closeTask(tenantId: string, userId: string, dueAt: string, subjectId: string, status: 'done' | 'cancelled'): Promise<void> {
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: taskPk(tenantId, userId), sk: `${dueAt}#${subjectId}` },
      UpdateExpression: 'SET #s = :s', ConditionExpression: 'attribute_exists(pk) AND #s = :open',
      ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': status, ':open': 'open' },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export async function listTasks(tenantId: string, userId: string, limit: number): Promise<Task[]> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': taskPk(tenantId, userId), ':open': 'open' },
    FilterExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'status' }, Limit: limit,
  }));
  return (res.Items ?? []).map((i) => ({ id: Buffer.from(i.sk as string).toString('base64url'), title: i.title, kind: i.kind, dueAt: i.dueAt, status: i.status, subject: i.subject }) as Task);
}
