import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { notificationCodec, notificationExpiry, skOfId, taskCodec, taskId } from '../records/storage/codecs.ts';

/** In-app notifications (PLT-7) and tasks (SFA-5) per user; items through functions/records/storage/codecs.ts (notificationCodec, taskCodec). */
export interface Notification {
  id: string;
  at: string;
  kind: string;
  read: boolean;
  subject: { type: string; id: string; name: string };
  data?: Record<string, unknown>;
}

/**
 * The email that goes with a notification (one item: the notification carries its email's state).
 * `sending`: claimed by one delivery, SES not known to have accepted it; `sent`: SES answered with a
 * MessageId; `released`: SES refused it (nothing was sent), so the next delivery may claim it again.
 */
export interface MailState {
  to: string;
  status: 'sending' | 'sent' | 'released';
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
}

const notificationKey = (tenantId: string, userId: string, eventId: string, at: string) => ({ pk: keys.notifications(tenantId, userId), sk: keys.notificationSk(at, eventId) });

/**
 * Writes the notification for (event, recipient) and claims its email, in one conditional write. True
 * when this caller won the claim and must send the email now; false when an earlier delivery of the same
 * event already did (or is doing) it: a redelivered event sends nothing. A claim whose email SES refused
 * (`releaseMail`) can be won again; the notification itself is written once (its `read` flag is kept).
 */
export async function claimNotification(tenantId: string, userId: string, eventId: string, n: Omit<Notification, 'id' | 'read'>, mailTo: string, now: Date): Promise<boolean> {
  const mail: MailState = { to: mailTo, status: 'sending', claimedAt: now.toISOString() };
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(),
      Key: notificationKey(tenantId, userId, eventId, n.at),
      UpdateExpression: 'SET entityType = if_not_exists(entityType, :type), #at = if_not_exists(#at, :at), kind = if_not_exists(kind, :kind), subject = if_not_exists(subject, :subject), '
        + '#read = if_not_exists(#read, :false), expiresAt = if_not_exists(expiresAt, :exp), mail = :mail'
        + (n.data ? ', #data = if_not_exists(#data, :data)' : ''),
      ConditionExpression: 'attribute_not_exists(pk) OR mail.#status = :released',
      ExpressionAttributeNames: { '#at': 'at', '#read': 'read', '#status': 'status', ...(n.data ? { '#data': 'data' } : {}) },
      ExpressionAttributeValues: {
        ':type': notificationCodec.entityType, ':at': n.at, ':kind': n.kind, ':subject': n.subject, ':false': false, ':exp': notificationExpiry(n.at),
        ':mail': mail, ':released': 'released', ...(n.data ? { ':data': n.data } : {}),
      },
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** SES accepted the claimed email. */
export async function confirmMailSent(tenantId: string, userId: string, eventId: string, at: string, messageId: string | undefined, now: Date): Promise<void> {
  await documentClient.send(new UpdateCommand({
    TableName: tableName(), Key: notificationKey(tenantId, userId, eventId, at),
    UpdateExpression: 'SET mail.#status = :sent, mail.sentAt = :now' + (messageId ? ', mail.messageId = :id' : ''),
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':sent': 'sent', ':now': now.toISOString(), ...(messageId ? { ':id': messageId } : {}) },
  }));
}

/** SES refused the claimed email (nothing was sent): the next delivery of the event may claim it again. */
export async function releaseMail(tenantId: string, userId: string, eventId: string, at: string): Promise<void> {
  await documentClient.send(new UpdateCommand({
    TableName: tableName(), Key: notificationKey(tenantId, userId, eventId, at),
    UpdateExpression: 'SET mail.#status = :released', ConditionExpression: 'mail.#status = :sending',
    ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':released': 'released', ':sending': 'sending' },
  })).catch((error: unknown) => {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  });
}

export async function listNotifications(tenantId: string, userId: string, limit: number): Promise<{ items: Notification[]; unread: number }> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.notifications(tenantId, userId) },
    ScanIndexForward: false, Limit: limit,
  }));
  // The email's state (`mail`: recipient, MessageId) stays in the store; the bell shows the notification.
  const items = (res.Items ?? []).map((i): Notification => {
    const { mail: _mail, ...shown } = notificationCodec.decode(i);
    return shown;
  });
  return { items, unread: items.filter((i) => !i.read).length };
}

export async function markRead(tenantId: string, userId: string, id: string): Promise<boolean> {
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: keys.notifications(tenantId, userId), sk: skOfId(id) },
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

const taskKey = (tenantId: string, userId: string, dueAt: string, subjectId: string) => ({ pk: keys.tasks(tenantId, userId), sk: keys.taskSk(dueAt, subjectId) });

export async function createTaskOnce(tenantId: string, userId: string, task: Omit<Task, 'id' | 'status'>): Promise<void> {
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: taskCodec.encode({ ...task, id: taskId(task.dueAt, task.subject.id), status: 'open' }, { tenantId, userId }),
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export async function closeTask(tenantId: string, userId: string, dueAt: string, subjectId: string, status: 'done' | 'cancelled'): Promise<void> {
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: taskKey(tenantId, userId, dueAt, subjectId),
      UpdateExpression: 'SET #s = :s', ConditionExpression: 'attribute_exists(pk) AND #s = :open',
      ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': status, ':open': 'open' },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

export async function listTasks(tenantId: string, userId: string, limit: number): Promise<Task[]> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.tasks(tenantId, userId), ':open': 'open' },
    FilterExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'status' }, Limit: limit,
  }));
  return (res.Items ?? []).map((i): Task => taskCodec.decode(i));
}
