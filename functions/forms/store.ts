import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import type { FormCreate } from '#schemas/form.ts';

/** Web-to-lead forms; like partners, the public id in the URL reaches its tenant through a routing item. */
export interface LeadForm extends FormCreate {
  id: string;
  tenantId: string;
  createdAt: string;
  createdBy: string;
}

const formKey = (tenantId: string, id: string) => ({ pk: `T#${tenantId}#form`, sk: id });

export async function putForm(form: LeadForm): Promise<void> {
  await documentClient.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: tableName(), Item: { ...formKey(form.tenantId, form.id), entityType: 'form', ...form }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: tableName(), Item: { pk: keys.route('form', form.id), sk: '~route', entityType: 'route', tenantId: form.tenantId }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ],
  }));
}

export async function findForm(formId: string): Promise<LeadForm | undefined> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(formId)) return undefined;
  const route = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.route('form', formId), sk: '~route' } }));
  const tenantId = route.Item?.tenantId as string | undefined;
  if (!tenantId) return undefined;
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: formKey(tenantId, formId) }));
  return Item as LeadForm | undefined;
}

export async function listForms(tenantId: string): Promise<LeadForm[]> {
  const res = await documentClient.send(new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `T#${tenantId}#form` } }));
  return (res.Items ?? []) as LeadForm[];
}
