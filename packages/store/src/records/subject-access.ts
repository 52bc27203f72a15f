import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type Clock, conflict, newId } from '@confide/domain';
import { attr, type Item, read, requireS } from '../attributes';
import { queryAll } from '../query-all';
import type { TenantScope } from '../tenant-scope';

/** A subject access request, with its one-month deadline (UK GDPR art. 12(3)). */
export interface SubjectAccessRequest {
  readonly requestId: string;
  readonly clientId: string;
  readonly receivedOn: string;
  readonly deadline: string;
  readonly status: 'OPEN' | 'COMPLETED';
  readonly completedAt: string | undefined;
  readonly sk: string;
}

/** One calendar month after `date` (YYYY-MM-DD); the 31st of a short month lands on its last day. */
export function oneMonthAfter(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day, lastDay))).toISOString().slice(0, 10);
}

export class SubjectAccessRequests {
  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async open(
    scope: TenantScope,
    clientId: string,
    receivedOn: string,
    requestedBy: string,
  ): Promise<SubjectAccessRequest> {
    const requestId = newId('subject').replace(/^sub_/, 'sar_');
    const item: Item = {
      pk: attr.s(scope.key('SUBJECT_ACCESS')),
      sk: attr.s(`${receivedOn}#${requestId}`),
      requestId: attr.s(requestId),
      clientId: attr.s(clientId),
      receivedOn: attr.s(receivedOn),
      deadline: attr.s(oneMonthAfter(receivedOn)),
      status: attr.s('OPEN'),
      requestedBy: attr.s(requestedBy),
      createdAt: attr.s(this.clock.now().toISOString()),
    };
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return toRequest(item);
  }

  async list(scope: TenantScope): Promise<SubjectAccessRequest[]> {
    return (
      await queryAll(this.dynamo, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attr.s(scope.key('SUBJECT_ACCESS')) },
      })
    ).map(toRequest);
  }

  async complete(scope: TenantScope, request: SubjectAccessRequest): Promise<SubjectAccessRequest> {
    try {
      const result = await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: attr.s(scope.key('SUBJECT_ACCESS')), sk: attr.s(request.sk) },
          UpdateExpression: 'SET #status = :done, completedAt = :now',
          ConditionExpression: '#status = :open',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':done': attr.s('COMPLETED'),
            ':open': attr.s('OPEN'),
            ':now': attr.s(this.clock.now().toISOString()),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRequest(result.Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw conflict('The request is already completed.');
      throw error;
    }
  }
}

function toRequest(item: Item): SubjectAccessRequest {
  return {
    requestId: requireS(item, 'requestId'),
    clientId: requireS(item, 'clientId'),
    receivedOn: requireS(item, 'receivedOn'),
    deadline: requireS(item, 'deadline'),
    status: requireS(item, 'status') as 'OPEN' | 'COMPLETED',
    completedAt: read.s(item, 'completedAt'),
    sk: requireS(item, 'sk'),
  };
}
