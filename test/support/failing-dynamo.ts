import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isAuditWrite } from '../../bench/served-requests';
import type { TestApi } from './test-api';

/** A write call as the SDK saw it. */
export interface WriteCall {
  readonly commandName: string;
  readonly input: unknown;
}

/** Whether a write call carries audit items (the benchmark's own rule: any item under an `#AUDIT#` key). */
export const carriesAudit = (call: WriteCall): boolean => isAuditWrite(call.commandName, call.input);

/** Whether a write call updates an item with an `UpdateExpression` that starts so, alone or in a transaction. */
export function updatesWith(call: WriteCall, expression: string): boolean {
  const input = call.input as {
    UpdateExpression?: string;
    TransactItems?: { Update?: { UpdateExpression?: string } }[];
  };
  if (call.commandName === 'UpdateItemCommand')
    return input.UpdateExpression?.startsWith(expression) === true;
  return (
    call.commandName === 'TransactWriteItemsCommand' &&
    (input.TransactItems ?? []).some((item) => item.Update?.UpdateExpression?.startsWith(expression) === true)
  );
}

/**
 * A client of the local DynamoDB (no retries) that remembers every write call and fails, at the SDK layer, those
 * `fail` picks, with an error whose text the response must never show (or with what `failure` makes: the error
 * DynamoDB itself would answer).
 */
export function failingDynamoClient(
  api: TestApi,
  fail: (call: WriteCall) => boolean = () => false,
  failure: () => Error = () => new Error('Injected failure: audit table unavailable at ORG#secret'),
): { client: DynamoDBClient; writes: WriteCall[]; failures: () => number } {
  const { config } = api.services;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
    maxAttempts: 1,
  });
  const writes: WriteCall[] = [];
  let failures = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call = { commandName: context.commandName ?? '', input: args.input };
      if (/Write|Put|Update|Delete/.test(call.commandName)) {
        writes.push(call);
        if (fail(call)) {
          failures++;
          throw failure();
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'failingWrites' },
  );
  return { client, writes, failures: () => failures };
}

/**
 * A client of the local DynamoDB (no retries) that, before sending the first write `when` picks, runs `meanwhile` to
 * its end: another request's change lands between what this request read and what it writes, at a chosen point.
 * With `afterRead`, `when` sees every call, reads too, and `meanwhile` runs once the picked call has been answered and
 * before its answer is used: what an index that lags behind the table would have answered.
 */
export function interleavingDynamoClient(
  api: TestApi,
  when: (call: WriteCall) => boolean,
  meanwhile: () => Promise<void>,
  options: { afterRead?: boolean } = {},
): { client: DynamoDBClient; interleaved: () => boolean } {
  const { config } = api.services;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
    maxAttempts: 1,
  });
  let interleaved = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call = { commandName: context.commandName ?? '', input: args.input };
      if (interleaved || !when(call)) return next(args);
      if (options.afterRead) {
        const answer = await next(args);
        interleaved = true;
        await meanwhile();
        return answer;
      }
      if (!/Write|Put|Update|Delete/.test(call.commandName)) return next(args);
      interleaved = true;
      await meanwhile();
      return next(args);
    },
    { step: 'initialize', name: 'interleavedWrites' },
  );
  return { client, interleaved: () => interleaved };
}
