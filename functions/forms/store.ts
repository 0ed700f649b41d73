import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { queryPartition } from '../records/storage/query.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { decodeIf } from '../records/storage/codec.ts';
import { formCodec, routeCodec, type LeadForm } from '../records/storage/codecs.ts';

/**
 * Web-to-lead forms; like partners, the public id in the URL reaches its tenant through a routing item.
 * Items are built and read through functions/records/storage/codecs.ts (formCodec, routeCodec): callers get forms,
 * never items (no pk, sk or entityType).
 */
export type { LeadForm } from '../records/storage/codecs.ts';

/** What a form id looks like (ids are chosen at creation); anything else names no form. */
const isFormId = (id: string) => /^[A-Za-z0-9_-]{1,64}$/.test(id);

export async function putForm(form: LeadForm): Promise<void> {
  await documentClient.send(new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: tableName(), Item: formCodec.encode(form), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: tableName(), Item: routeCodec.encode({ tenantId: form.tenantId }, { kind: 'form', publicId: form.id }), ConditionExpression: 'attribute_not_exists(pk)' } },
    ],
  }));
}

export async function findForm(formId: string): Promise<LeadForm | undefined> {
  if (!isFormId(formId)) return undefined;
  const route = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.route('form', formId), sk: keys.routeSk } }));
  const tenantId = decodeIf(routeCodec, route.Item)?.tenantId;
  if (!tenantId) return undefined;
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.forms(tenantId), sk: keys.formSk(formId) } }));
  return decodeIf(formCodec, Item);
}

export async function listForms(tenantId: string): Promise<LeadForm[]> {
  return queryPartition(keys.forms(tenantId), formCodec);
}
