import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { KMSClient, KMSInternalException } from '@aws-sdk/client-kms';
import type { OrgId } from '@confide/domain';
import { LOCAL_CREDENTIALS } from '@confide/local';
import { tenantScope } from '@confide/store';
import type { MiddlewareStack } from '@smithy/types';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  codes,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf, organisationItems, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { localStack, ownTablesForFile, type TestApi, testApi } from '../support/test-api';

/** The file's own tables: its checks read every item of their organisation (ownTablesForFile). */
const tables = ownTablesForFile();

/**
 * Faults injected at the SDK layer (middleware inside the SDK's retry loop, so each injected failure is one
 * attempt): DynamoDB throttling and KMS internal errors. A fault on the first attempts is absorbed by the SDK's
 * retries and the request succeeds; a fault on every attempt is a clear INTERNAL error that writes nothing half
 * and shows no plaintext. The process stays healthy: the next request is served.
 */

type Input = { TransactItems?: { Put?: { Item?: Record<string, { S?: string }> } }[] };

/** Which attempts fail: returns true to fail this one. Attempts are counted per fault. */
interface Fault {
  matches(command: string, input: Input): boolean;
  /** Fail this many matching attempts, then let them through (Infinity: all of them). */
  failures: number;
  injected: number;
}

function fault(matches: Fault['matches'], failures: number): Fault {
  return { matches, failures, injected: 0 };
}

/** Adds the fault to an SDK client's middleware stack (as the store's request counters are added). */
function injectFault<I extends object, O extends object>(
  stack: MiddlewareStack<I, O>,
  active: () => Fault,
  error: () => Error,
): void {
  stack.add(
    (next, context) => async (args) => {
      const current = active();
      if (
        current.injected < current.failures &&
        current.matches(context.commandName ?? '', args.input as Input)
      ) {
        current.injected++;
        throw error();
      }
      return next(args);
    },
    // Inside the retry middleware (finalizeRequest): every injected failure is one attempt the SDK may retry.
    { step: 'deserialize', name: 'confideFaultInjection' },
  );
}

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Injected: the level of configured provisioned throughput for the table was exceeded.',
    $metadata: { httpStatusCode: 400 },
  });
const throttledTransaction = () =>
  new ThrottlingException({
    message: 'Injected: rate of requests exceeds the allowed throughput.',
    $metadata: { httpStatusCode: 400 },
  });
const kmsInternal = () =>
  new KMSInternalException({
    message: 'Injected: KMS internal failure.',
    $metadata: { httpStatusCode: 500 },
  });

function dynamoWith(active: () => Fault, error: () => Error): DynamoDBClient {
  const stack = localStack();
  const client = new DynamoDBClient({
    region: stack.region,
    endpoint: stack.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  injectFault(client.middlewareStack, active, error);
  return client;
}

function kmsWith(active: () => Fault): KMSClient {
  const stack = localStack();
  const client = new KMSClient({
    region: stack.region,
    endpoint: stack.kmsEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  injectFault(client.middlewareStack, active, kmsInternal);
  return client;
}

const none = fault(() => false, 0);
const isNoteTransaction = (command: string, input: Input) =>
  command === 'TransactWriteItemsCommand' &&
  (input.TransactItems ?? []).some((item) => item.Put?.Item?.sk?.S?.startsWith('NOTE#'));

interface World extends ServiceWorld {
  readonly worker: Person;
  readonly client: string;
}

async function careWorld(api: TestApi): Promise<World> {
  const world = await serviceWorld(api);
  const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, world.manager, world.serviceId);
  await allocate(api, world.manager, client, worker);
  return { ...world, worker, client };
}

async function latestNoteId(api: TestApi, orgId: OrgId, clientGlobalId: string): Promise<string | undefined> {
  const result = await api.services.dynamo.send(
    new GetItemCommand({
      TableName: api.services.config.tables.data,
      Key: { pk: { S: tenantScope(orgId).key('CLIENT', localIdOf(clientGlobalId)) }, sk: { S: 'PROFILE' } },
      ConsistentRead: true,
    }),
  );
  return result.Item?.latestNoteId?.S;
}

const RECORD = 'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id body: kind } }';
const READ = 'query ($id: ID!) { serviceUser(id: $id) { name phone latestNote { kind } } }';

describe('DynamoDB throttling', () => {
  const healthy = testApi({ tables });
  let world: World;

  beforeAll(async () => {
    world = await careWorld(healthy);
  });

  it('is retried by the SDK when it lasts a couple of attempts: the read and the write succeed', async () => {
    let active = none;
    const api = testApi({ tables, dynamo: dynamoWith(() => active, throttled) });

    active = fault(() => true, 2);
    const read = await api.graphql<{ serviceUser: { name: string } }>(READ, {
      token: world.worker.token,
      variables: { id: world.client },
    });
    const readInjected = active.injected;
    active = fault(isNoteTransaction, 2);
    const write = await api.graphql<{ recordNote: { id: string } }>(RECORD, {
      token: world.worker.token,
      variables: {
        input: { serviceUserId: world.client, kind: 'DAILY_SUPPORT', body: 'Retried and recorded.' },
      },
    });

    expect(readInjected).toBe(2);
    expectNoErrors(read);
    expect(read.data?.serviceUser.name).toBe(ADA.name);
    expect(active.injected).toBe(2);
    expectNoErrors(write);
    const noteId = localIdOf(write.data?.recordNote.id ?? '').split('.')[1];
    expect(await latestNoteId(healthy, world.org.orgId, world.client)).toBe(noteId);
  });

  it('gives a clear INTERNAL error when every attempt is throttled, and writes no half note', async () => {
    let active = none;
    const api = testApi({ tables, dynamo: dynamoWith(() => active, throttledTransaction) });
    await recordNote(healthy, world.worker, world.client, 'DAILY_SUPPORT', 'An earlier note.');
    const before = await organisationItems(healthy, world.org.orgId);
    const latestBefore = await latestNoteId(healthy, world.org.orgId, world.client);

    active = fault(isNoteTransaction, Number.POSITIVE_INFINITY);
    const body = 'Never stored: every attempt throttled.';
    const result = await api.graphql(RECORD, {
      token: world.worker.token,
      variables: { input: { serviceUserId: world.client, kind: 'MEDICAL', body } },
    });

    // The SDK tried (and was throttled) as many times as it is configured to (4 for DynamoDB), then gave up.
    expect(active.injected).toBe(await api.services.dynamo.config.maxAttempts());
    expect(active.injected).toBeGreaterThan(1);
    expect(codes(result)).toEqual(['INTERNAL']);
    expect(result.data).toBeNull();
    expect(result.text).not.toContain(body);
    expect(result.text).not.toMatch(/Throttl|ProvisionedThroughput|DynamoDB/);
    expect(await organisationItems(healthy, world.org.orgId)).toEqual(before);
    expect(await latestNoteId(healthy, world.org.orgId, world.client)).toBe(latestBefore);

    // Once the throttling stops, the same process serves the same request.
    active = none;
    const retried = await api.graphql<{ recordNote: { id: string } }>(RECORD, {
      token: world.worker.token,
      variables: {
        input: { serviceUserId: world.client, kind: 'MEDICAL', body: 'Stored once throughput is back.' },
      },
    });
    expectNoErrors(retried);
    expect(await latestNoteId(healthy, world.org.orgId, world.client)).toBe(
      localIdOf(retried.data?.recordNote.id ?? '').split('.')[1],
    );
  });
});

describe('KMS internal errors (cold key caches, as in a new Lambda container)', () => {
  const healthy = testApi({ tables });
  let world: World;

  beforeAll(async () => {
    world = await careWorld(healthy);
  });

  it('are retried by the SDK when they last a couple of attempts: the sealed fields are read', async () => {
    const active = fault(() => true, 2);
    const api = testApi({ tables, kms: kmsWith(() => active) });

    const read = await api.graphql<{ serviceUser: { name: string; phone: string } }>(READ, {
      token: world.worker.token,
      variables: { id: world.client },
    });

    expect(active.injected).toBe(2);
    expectNoErrors(read);
    expect(read.data?.serviceUser).toMatchObject({ name: ADA.name, phone: ADA.phone });
    expect(api.services.counters.total('KMS')).toBeGreaterThanOrEqual(3);
  });

  it('give INTERNAL and no plaintext when every attempt fails, on reads and on writes, and nothing is written', async () => {
    let active = fault(() => true, Number.POSITIVE_INFINITY);
    const api = testApi({ tables, kms: kmsWith(() => active) });
    const both = [healthy.services.config.tables.data, healthy.services.config.tables.keys];
    const before = await organisationItems(healthy, world.org.orgId, { tables: both });

    const read = await api.graphql(READ, { token: world.worker.token, variables: { id: world.client } });
    const secret = 'Never stored: KMS is failing.';
    const note = await api.graphql(RECORD, {
      token: world.worker.token,
      variables: { input: { serviceUserId: world.client, kind: 'MEDICAL', body: secret } },
    });
    const registration = await api.graphql(
      'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id name } }',
      {
        token: world.manager.token,
        variables: { input: { serviceId: world.serviceId, ...ADA, name: 'Never Registered Person' } },
      },
    );

    expect(active.injected).toBeGreaterThanOrEqual(3);
    for (const result of [read, note, registration]) {
      expect(codes(result)?.length).toBeGreaterThan(0);
      expect(new Set(codes(result))).toEqual(new Set(['INTERNAL']));
      expect(result.text).not.toContain(ADA.name);
      expect(result.text).not.toContain(ADA.phone);
      expect(result.text).not.toMatch(/KMS|KMSInternal|Injected/);
    }
    expect(note.text).not.toContain(secret);
    expect(registration.data ?? null).toBeNull();
    // Nothing written in either table: no note, no client, no subject key (audit events aside).
    const after = await organisationItems(healthy, world.org.orgId, { tables: both });
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).not.toContain('Never Registered Person');

    // KMS back: the same process serves the read.
    active = none;
    const again = await api.graphql<{ serviceUser: { name: string } }>(READ, {
      token: world.worker.token,
      variables: { id: world.client },
    });
    expectNoErrors(again);
    expect(again.data?.serviceUser.name).toBe(ADA.name);
  });
});
