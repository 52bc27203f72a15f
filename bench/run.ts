import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type ConfideConfig,
  type ConfideServices,
  configFromEnv,
  createConfideYoga,
  createServices,
  onboardOrganisation,
} from '@confide/api';
import { type NoteKind, newId, type OrgId } from '@confide/domain';
import { LOCAL_CREDENTIALS, type LocalStack, mintToken, startLocalStack } from '@confide/local';
import { startLocalServer } from '@confide/service-api';
import { type Item, itemKeyOf, sealFields, tenantScope } from '@confide/store';
import type { MiddlewareStack } from '@smithy/types';
import { startBareServer } from './bare-server';
import { type Bundle, bundle, type InitSample, measureInit, median } from './cold-start';
import type { LoadJob, LoadResult } from './load';

/**
 * `npm run bench`: the performance budgets of DESIGN.md measured as ratios in one run, on loopback, bounded in
 * time (about 3–4 minutes on 2 cores). Writes bench/results.md. Not part of `npm test`.
 */

// Node 20 is for local runs only (the Lambda runs Node 22): the SDK's reminder is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const run = promisify(execFile);
const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)} s`;
const log = (message: string) => process.stdout.write(`[bench ${elapsed()}] ${message}\n`);

const LOAD = { connections: 8, warmupSeconds: 1, durationSeconds: 7 } as const;
const LATENCY = { connections: 1, warmupSeconds: 1, durationSeconds: 5 } as const;
const INIT_RUNS = 5;
const SMALL_CLIENTS = 100;
const CASELOAD_SIZE = 50;
const SCALE_ORGS = 500;
const SCALE_CLIENTS = 100_000;

const QUERIES = {
  clientRead:
    'query ClientRead($id: ID!) { serviceUser(id: $id) { id reference name dateOfBirth postcode phone caseStatus } }',
  caseload: `query Caseload { caseload(first: ${CASELOAD_SIZE}) { edges { node {
    id name phone latestNote { id kind recordedAt ... on CareNote { body } } } } } }`,
  noteWrite:
    'mutation RecordNote($input: RecordNoteInput!) { recordNote(input: $input) { id kind recordedAt } }',
} as const;
type Operation = keyof typeof QUERIES;
const OPERATIONS: readonly Operation[] = ['clientRead', 'caseload', 'noteWrite'];
const LABEL: Record<Operation, string> = {
  clientRead: 'client read',
  caseload: `caseload of ${CASELOAD_SIZE} with latest notes`,
  noteWrite: 'note write',
};

// ---------------------------------------------------------------------------------------------------------------
// Counting: SDK requests by operation (services.counters) and, separately, which DynamoDB writes are audit writes.

class WriteClassifier {
  /** Audit write calls (one per SDK command, whatever its retries). */
  audit = 0;
  /** Audit write attempts on the wire (SDK retries included). */
  auditAttempts = 0;
  data = 0;
  reset(): void {
    this.audit = 0;
    this.auditAttempts = 0;
    this.data = 0;
  }
}

const WRITE_COMMANDS = new Set([
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
]);

/** Partition keys a write touches (to tell audit writes, whose items all live under `#AUDIT#`, from data). */
function writtenKeys(input: Record<string, unknown>): string[] {
  const keys: string[] = [];
  const pkOf = (item: unknown) => (item as { pk?: { S?: string } } | undefined)?.pk?.S;
  const transact = (input.TransactItems ?? []) as Record<string, { Item?: unknown; Key?: unknown }>[];
  for (const entry of transact)
    for (const action of Object.values(entry)) keys.push(pkOf(action.Item ?? action.Key) ?? '');
  const batch = (input.RequestItems ?? {}) as Record<
    string,
    { PutRequest?: { Item: unknown }; DeleteRequest?: { Key: unknown } }[]
  >;
  for (const requests of Object.values(batch))
    for (const request of requests)
      keys.push(pkOf(request.PutRequest?.Item ?? request.DeleteRequest?.Key) ?? '');
  if (input.Item) keys.push(pkOf(input.Item) ?? '');
  if (input.Key) keys.push(pkOf(input.Key) ?? '');
  return keys;
}

function classifyWrites<I extends object, O extends object>(
  stack: MiddlewareStack<I, O>,
  writes: WriteClassifier,
): void {
  const isAudit = (input: unknown) => {
    const keys = writtenKeys(input as Record<string, unknown>);
    return keys.length > 0 && keys.every((key) => key.includes('#AUDIT#'));
  };
  stack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(context.commandName ?? '')) {
        if (isAudit(args.input)) writes.audit++;
        else writes.data++;
      }
      return next(args);
    },
    // Outside the retry loop: one count per write call.
    { step: 'initialize', name: 'benchWriteCalls' },
  );
  stack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(context.commandName ?? '') && isAudit(args.input)) writes.auditAttempts++;
      return next(args);
    },
    // Inside the retry loop, like the request counters: each attempt on the wire counts.
    { step: 'finalizeRequest', priority: 'low', name: 'benchWriteAttempts' },
  );
}

/**
 * Counts the responses a server sends and those whose body carries GraphQL `errors` (autocannon sees only HTTP
 * statuses), and the requests still in flight, so that per-request figures use what the server really served.
 */
class ErrorCounter {
  responses = 0;
  withErrors = 0;
  inFlight = 0;
  reset(): void {
    this.responses = 0;
    this.withErrors = 0;
  }
  /** Waits until requests cut off by the end of a load run have finished on the server. */
  async drained(): Promise<void> {
    for (let waited = 0; this.inFlight > 0 && waited < 60_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function countErrors(server: Server): ErrorCounter {
  const counter = new ErrorCounter();
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  for (const listener of listeners) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      counter.inFlight++;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        counter.inFlight--;
      };
      // A client that went away before the answer: the request no longer counts as in flight.
      res.once('close', finish);
      let seen = '';
      const inspect = (chunk: unknown) => {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) seen += Buffer.from(chunk).toString();
      };
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        inspect(chunk);
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk !== 'function') inspect(chunk);
        counter.responses++;
        finish();
        if (seen.includes('"errors":')) counter.withErrors++;
        return end(chunk, ...rest);
      }) as typeof res.end;
      listener(req, res);
    });
  }
  return counter;
}

interface Instrumented {
  readonly services: ConfideServices;
  readonly writes: WriteClassifier;
}

function instrumentedServices(config: ConfideConfig, stack: LocalStack): Instrumented {
  const writes = new WriteClassifier();
  const dynamo = new DynamoDBClient({
    region: stack.region,
    endpoint: stack.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  classifyWrites(dynamo.middlewareStack, writes);
  return { services: createServices(config, { dynamo }), writes };
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding.

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let index = next++; index < items.length; index = next++) await work(items[index] as T, index);
    }),
  );
}

interface SmallWorld {
  readonly orgId: OrgId;
  readonly serviceId: string;
  readonly workerId: string;
  readonly workerToken: string;
  readonly caseload: readonly string[];
  readonly others: readonly string[];
}

const details = (index: number) => ({
  name: `Bench Client ${index}`,
  dateOfBirth: '1980-12-10',
  address: `${index} Benchmark Row, Leeds`,
  postcode: 'LS1 4AB',
  nhsNumber: '9434765919',
  phone: '07700 900123',
  email: `client${index}@example.org`,
  preferredContact: 'Phone in the mornings',
});

/** One organisation, 100 clients, 50 of them on a support worker's caseload with notes: all through the stores. */
async function seedSmall(services: ConfideServices, stack: LocalStack): Promise<SmallWorld> {
  const { organisation } = await onboardOrganisation(services, {
    name: 'Benchmark charity',
    slug: 'bench-small',
    preset: 'STRICT',
    firstAdmin: { handle: 'bench.admin', displayName: 'Bench Admin' },
  });
  const scope = tenantScope(organisation.orgId);
  const worker = await services.directory.addStaff(scope, {
    handle: 'bench.worker',
    displayName: 'Bench Worker',
    roles: ['SUPPORT_WORKER'],
  });
  const service = await services.careServices.create(scope, 'Supported living');
  await services.careServices.addStaff(scope, service.serviceId, worker.staffId, 'members');
  const clients: string[] = [];
  await inParallel(
    Array.from({ length: SMALL_CLIENTS }, (_, index) => index),
    16,
    async (index) => {
      const { clientId } = await services.serviceUsers.register(scope, {
        serviceId: service.serviceId,
        details: details(index),
      });
      clients[index] = clientId;
    },
  );
  const caseload = clients.slice(0, CASELOAD_SIZE);
  const notes: { kind: NoteKind; body: string }[] = [
    { kind: 'MEDICAL', body: 'Medication review: morning dose now 10 mg.' },
    { kind: 'DAILY_SUPPORT', body: 'Evening visit: settled, ate well, asked about the weekend trip.' },
  ];
  await inParallel(caseload, 16, async (clientId) => {
    await services.serviceUsers.allocate(scope, clientId, { staffId: worker.staffId, kind: 'PRIMARY' });
    const key = await services.keys.subjectKey(organisation.orgId, clientId);
    if (!key) throw new Error('Seeded client without a subject key.');
    for (const note of notes) {
      await services.caseNotes.record(scope, clientId, key, { ...note, authorId: worker.staffId });
    }
  });
  const workerToken = await mintToken(
    stack.dataDir,
    { issuer: stack.issuer, audience: stack.audience, expiresIn: '2h' },
    { sub: worker.externalSubject, org_id: organisation.orgId, staff_id: worker.staffId },
  );
  return {
    orgId: organisation.orgId,
    serviceId: service.serviceId,
    workerId: worker.staffId,
    workerToken,
    caseload,
    others: clients.slice(CASELOAD_SIZE),
  };
}

/** Replaces ids (client id, reference, portal subject) in every string of an item: keys, index keys, attributes. */
function withIds(value: AttributeValue, ids: ReadonlyMap<string, string>): AttributeValue {
  if (value.S !== undefined) {
    let text = value.S;
    for (const [from, to] of ids) text = text.replaceAll(from, to);
    return { S: text };
  }
  if (value.M)
    return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, withIds(v, ids)])) };
  if (value.L) return { L: value.L.map((v) => withIds(v, ids)) };
  return value;
}

async function batchWrite(dynamo: DynamoDBClient, table: string, items: Item[]): Promise<void> {
  for (let start = 0; start < items.length; start += 25) {
    let request: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
      [table]: items.slice(start, start + 25).map((item) => ({ PutRequest: { Item: item } })),
    };
    while (request && Object.keys(request).length > 0) {
      const result = await dynamo.send(new BatchWriteItemCommand({ RequestItems: request }));
      request = result.UnprocessedItems as typeof request;
    }
  }
}

interface ScaleSeeding {
  readonly organisations: number;
  readonly clients: number;
  readonly throughStores: number;
  readonly copied: number;
  readonly items: number;
  readonly seconds: number;
}

/**
 * 499 more organisations, onboarded for real (KMS key, branch and beacon keys, organisation item, admin), each
 * with one client registered through the real store; the rest of the 100,000 clients are BatchWriteItem copies of
 * that client's profile item with new ids, re-sealed for their own item key under its subject key. Onboarding
 * workers feed a pool of concurrent BatchWriteItem writers.
 */
async function seedScale(
  services: ConfideServices,
  config: ConfideConfig,
  existingClients: number,
): Promise<ScaleSeeding> {
  const started = performance.now();
  const organisations = SCALE_ORGS - 1;
  const copies = SCALE_CLIENTS - existingClients - organisations;
  const perOrg = Array.from(
    { length: organisations },
    (_, index) => Math.floor(copies / organisations) + (index < copies % organisations ? 1 : 0),
  );
  let throughStores = 0;
  let copied = 0;
  let items = 0;
  const pending: Item[][] = [];
  let producing = true;
  const writers = Array.from({ length: 16 }, async () => {
    for (;;) {
      const batch = pending.shift();
      if (batch) {
        await batchWrite(services.dynamo, config.tables.data, batch);
        items += batch.length;
      } else if (producing) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      } else {
        return;
      }
    }
  });
  try {
    await inParallel(perOrg, 8, async (clients, index) => {
      const { organisation } = await onboardOrganisation(services, {
        name: `Scale charity ${index}`,
        slug: `scale-${index}`,
        preset: 'STRICT',
        firstAdmin: { handle: 'admin', displayName: 'Scale Admin' },
      });
      const scope = tenantScope(organisation.orgId);
      const service = await services.careServices.create(scope, 'Supported living');
      const template = await services.serviceUsers.register(scope, {
        serviceId: service.serviceId,
        details: details(0),
      });
      throughStores++;
      const key = await services.keys.subjectKey(organisation.orgId, template.clientId);
      const profile = (
        await services.dynamo.send(
          new GetItemCommand({
            TableName: config.tables.data,
            Key: { pk: { S: scope.key('CLIENT', template.clientId) }, sk: { S: 'PROFILE' } },
          }),
        )
      ).Item;
      const reference = profile?.reference?.S;
      const subject = profile?.externalSubject?.S;
      if (!key || !profile || !reference || !subject) throw new Error('Template client not registered.');
      let batch: Item[] = [];
      for (let copy = 0; copy < clients; copy++) {
        const clientId = newId('serviceUser');
        const ids = new Map([
          [template.clientId, clientId],
          [reference, `SU-${clientId.slice(-8).toUpperCase()}`],
          [subject, newId('subject')],
        ]);
        const item = Object.fromEntries(
          Object.entries(profile).map(([name, value]) => [name, withIds(value, ids)]),
        ) as Item;
        batch.push({
          ...item,
          ...sealFields(key, itemKeyOf(item.pk?.S ?? '', 'PROFILE'), details(copy + 1)),
        });
        if (batch.length === 25) {
          pending.push(batch);
          batch = [];
        }
        copied++;
      }
      if (batch.length > 0) pending.push(batch);
      if ((index + 1) % 100 === 0) log(`  scale seeding: ${index + 1} organisations onboarded`);
    });
  } finally {
    producing = false;
    await Promise.all(writers);
  }
  return {
    organisations: organisations + 1,
    clients: existingClients + throughStores + copied,
    throughStores,
    copied,
    items,
    seconds: (performance.now() - started) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Driving the servers.

interface Target {
  readonly name: 'confide' | 'bare';
  readonly url: string;
  readonly headers: Record<string, string>;
}

function bodiesFor(operation: Operation, world: SmallWorld, target: Target): string[] {
  const body = (query: string, variables: Record<string, unknown> = {}) =>
    JSON.stringify({ query, variables });
  switch (operation) {
    case 'clientRead':
      return world.caseload.map((id) => body(QUERIES.clientRead, { id: globalId('ServiceUser', id) }));
    case 'caseload':
      return [body(QUERIES.caseload)];
    case 'noteWrite': {
      // Confide writes to the worker's own clients (it checks the relationship); the bare server to the other
      // half, so that its plain-text notes never become a latest note that Confide reads.
      const clients = target.name === 'confide' ? world.caseload : world.others;
      return clients.map((id, index) =>
        body(QUERIES.noteWrite, {
          input: {
            serviceUserId: globalId('ServiceUser', id),
            kind: 'DAILY_SUPPORT',
            body: `Benchmark visit ${index}: walked to the shops together; chose and paid with prompting.`,
          },
        }),
      );
    }
  }
}

async function post(
  target: Target,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function expectServed(target: Target, operation: Operation, body: string): Promise<void> {
  const { status, json } = await post(target, body);
  if (status !== 200 || json.errors) {
    throw new Error(`${target.name} ${operation}: ${status} ${JSON.stringify(json).slice(0, 500)}`);
  }
  if (operation === 'caseload') {
    const edges = (json.data as { caseload: { edges: { node: { latestNote: unknown } }[] } }).caseload.edges;
    if (edges.length !== CASELOAD_SIZE || edges.some((edge) => !edge.node.latestNote)) {
      throw new Error(`${target.name} caseload: expected ${CASELOAD_SIZE} clients with latest notes`);
    }
  }
}

async function load(
  target: Target,
  bodies: string[],
  shape: typeof LOAD | typeof LATENCY,
): Promise<LoadResult> {
  const job: LoadJob = { url: target.url, headers: target.headers, bodies, ...shape };
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(here, 'load.ts'), JSON.stringify(job)],
    {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
      timeout: (shape.warmupSeconds + shape.durationSeconds + 60) * 1000,
    },
  );
  const line = stdout.split('\n').find((entry) => entry.startsWith('BENCH_LOAD '));
  if (!line) throw new Error(`The load generator printed no result:\n${stdout.slice(-1000)}`);
  return JSON.parse(line.slice('BENCH_LOAD '.length)) as LoadResult;
}

function listen(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

interface OperationCounts {
  readonly dynamo: number;
  readonly dynamoReads: number;
  readonly breakdown: Record<string, number>;
  readonly kms: number;
  readonly auditWrites: number;
  readonly dataWrites: number;
}

const READ_OPERATIONS = ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems'];

async function counted(instrumented: Instrumented, act: () => Promise<void>): Promise<OperationCounts> {
  const { counters } = instrumented.services;
  counters.reset();
  instrumented.writes.reset();
  await act();
  const snapshot = counters.snapshot();
  const dynamo = Object.fromEntries(
    Object.entries(snapshot)
      .filter(([key]) => key.startsWith('DynamoDB.'))
      .map(([key, count]) => [key.slice('DynamoDB.'.length), count]),
  );
  return {
    dynamo: counters.total('DynamoDB'),
    dynamoReads: READ_OPERATIONS.reduce((sum, name) => sum + (dynamo[name] ?? 0), 0),
    breakdown: dynamo,
    kms: counters.total('KMS'),
    auditWrites: instrumented.writes.audit,
    dataWrites: instrumented.writes.data,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

interface Throughput {
  readonly confide: LoadResult;
  readonly bare: LoadResult;
  readonly steadyKms: number;
  /** Requests the Confide server served during the run, warm-up and cut-off requests included. */
  readonly confideServed: number;
  /** Audit write calls and attempts (SDK retries included) per request under load. */
  readonly perRequestAudit: number;
  readonly perRequestAuditAttempts: number;
  /** Responses carrying GraphQL errors during the run (warm-up included). */
  readonly confideErrors: number;
  readonly bareErrors: number;
  /** DynamoDB round trips per request during the run (warm-up included), from the SDK counters. */
  readonly confideDynamo: number;
  readonly bareDynamo: number;
  /** CPU time of the server process per request (warm-up included): the API's own cost, DynamoDB Local aside. */
  readonly confideCpuMs: number;
  readonly bareCpuMs: number;
}

/** Runs a load job and measures the server process's CPU and SDK requests meanwhile. */
async function measured(
  services: ConfideServices,
  target: Target,
  bodies: string[],
  served: ErrorCounter,
): Promise<{
  result: LoadResult;
  cpuMs: number;
  dynamo: number;
  kms: number;
  graphqlErrors: number;
  requests: number;
}> {
  await served.drained();
  services.counters.reset();
  served.reset();
  const cpu = process.cpuUsage();
  const result = await load(target, bodies, LOAD);
  // Requests the load generator cut off at the end of its warm-up and of its run still finish on the server:
  // wait for them, and divide by what the server served, so per-request figures are not inflated.
  await served.drained();
  const used = process.cpuUsage(cpu);
  const requests = Math.max(1, served.responses);
  return {
    result,
    cpuMs: (used.user + used.system) / 1000 / requests,
    dynamo: services.counters.total('DynamoDB') / requests,
    kms: services.counters.total('KMS'),
    graphqlErrors: served.withErrors,
    requests,
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const work = mkdtempSync(join(tmpdir(), 'confide-bench-'));
  const dataDir = join(work, 'stack');
  mkdirSync(dataDir);
  log(`starting the local stack in ${work}`);
  const stack = await startLocalStack({ dataDir, persist: false, stage: 'bench' });
  const servers: Server[] = [];
  try {
    const env = { ...stack.env(), CONFIDE_RATE_LIMIT: 'off', POWERTOOLS_LOG_LEVEL: 'ERROR' };
    Object.assign(process.env, env);
    const config = configFromEnv({ ...process.env, ...env });
    const main = instrumentedServices(config, stack);

    // Cold start first, while nothing else runs.
    log('cold start: bundling the api and a bare yoga + Pothos hello with the CDK esbuild options');
    const apiBundle = await bundle(join(root, 'services/api/src/handler.ts'), join(work, 'api'));
    const helloBundle = await bundle(join(here, 'hello-handler.ts'), join(work, 'hello'));
    const initEnv = { ...env, NODE_OPTIONS: '', AWS_LAMBDA_FUNCTION_NAME: 'bench' };
    const apiInits: InitSample[] = [];
    const helloInits: InitSample[] = [];
    await measureInit(apiBundle.path, initEnv); // file-system cache warm-up, not counted
    await measureInit(helloBundle.path, initEnv);
    for (let index = 0; index < INIT_RUNS; index++) {
      apiInits.push(await measureInit(apiBundle.path, initEnv));
      helloInits.push(await measureInit(helloBundle.path, initEnv));
    }
    log(
      `  api ${median(apiInits.map((s) => s.totalMs)).toFixed(0)} ms, hello ${median(helloInits.map((s) => s.totalMs)).toFixed(0)} ms`,
    );

    log(
      `seeding 1 organisation with ${SMALL_CLIENTS} clients (${CASELOAD_SIZE} on a caseload, with notes) through the stores`,
    );
    const world = await seedSmall(main.services, stack);

    const confideServer = await startLocalServer(createConfideYoga(main.services), 0);
    const bareServer = await startBareServer({
      dynamo: main.services.dynamo,
      table: config.tables.data,
      orgId: world.orgId,
      staffId: world.workerId,
    });
    servers.push(confideServer, bareServer);
    const confideErrors = countErrors(confideServer);
    const bareErrors = countErrors(bareServer);
    const confide: Target = {
      name: 'confide',
      url: listen(confideServer),
      headers: { authorization: `Bearer ${world.workerToken}` },
    };
    const bare: Target = { name: 'bare', url: listen(bareServer), headers: {} };

    // Every query answers correctly on both servers before anything is measured.
    for (const operation of OPERATIONS) {
      for (const target of [confide, bare])
        await expectServed(target, operation, bodiesFor(operation, world, target)[0] ?? '');
    }

    log('counting SDK requests per operation (steady state, then cold caches)');
    const authentication = await counted(main, async () => {
      await expectServedTypename(confide);
    });
    const steady = {} as Record<Operation, OperationCounts>;
    const cold = {} as Record<Operation, OperationCounts>;
    for (const operation of OPERATIONS) {
      const bodies = bodiesFor(operation, world, confide);
      const body = bodies[1 % bodies.length] ?? '';
      steady[operation] = await counted(main, () => expectServed(confide, operation, body));
      // A new process: fresh services, so every cache (JWKS, branch keys, beacon keys) is cold.
      const fresh = instrumentedServices(config, stack);
      const freshServer = await startLocalServer(createConfideYoga(fresh.services), 0);
      try {
        cold[operation] = await counted(fresh, () =>
          expectServed({ ...confide, url: listen(freshServer) }, operation, bodies[2 % bodies.length] ?? ''),
        );
      } finally {
        await close(freshServer);
      }
    }

    const throughput = {} as Record<Operation, Throughput>;
    for (const operation of OPERATIONS) {
      log(
        `load: ${LABEL[operation]} (${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up + ${LOAD.durationSeconds} s)`,
      );
      main.writes.reset();
      const confideRun = await measured(
        main.services,
        confide,
        bodiesFor(operation, world, confide),
        confideErrors,
      );
      const confideRequests = confideRun.requests;
      const perRequestAudit = main.writes.audit / confideRequests;
      const perRequestAuditAttempts = main.writes.auditAttempts / confideRequests;
      const bareRun = await measured(main.services, bare, bodiesFor(operation, world, bare), bareErrors);
      const confideResult = confideRun.result;
      const bareResult = bareRun.result;
      throughput[operation] = {
        confide: confideResult,
        bare: bareResult,
        steadyKms: confideRun.kms,
        confideServed: confideRun.requests,
        perRequestAudit,
        perRequestAuditAttempts,
        confideErrors: confideRun.graphqlErrors,
        bareErrors: bareRun.graphqlErrors,
        confideDynamo: confideRun.dynamo,
        bareDynamo: bareRun.dynamo,
        confideCpuMs: confideRun.cpuMs,
        bareCpuMs: bareRun.cpuMs,
      };
      log(
        `  confide ${confideResult.requestsPerSecond.toFixed(0)} req/s, bare ${bareResult.requestsPerSecond.toFixed(0)} req/s`,
      );
    }

    log(`scale: client read latency with 1 organisation / ${SMALL_CLIENTS} clients`);
    const readBodies = bodiesFor('clientRead', world, confide);
    const smallLatency = await load(confide, readBodies, LATENCY);
    log(
      `scale: seeding ${SCALE_ORGS} organisations / ${SCALE_CLIENTS.toLocaleString('en-GB')} clients in total`,
    );
    const seeding = await seedScale(main.services, config, SMALL_CLIENTS);
    log(`  seeded in ${seeding.seconds.toFixed(0)} s`);
    for (const body of readBodies.slice(0, 3)) await expectServed(confide, 'clientRead', body);
    const largeLatency = await load(confide, readBodies, LATENCY);

    const report = results({
      throughput,
      steady,
      cold,
      authentication,
      apiBundle,
      helloBundle,
      apiInits,
      helloInits,
      smallLatency,
      largeLatency,
      seeding,
      seconds: (performance.now() - startedAt) / 1000,
      loadBefore,
      loadAfter: loadavg(),
    });
    writeFileSync(join(here, 'results.md'), report);
    process.stdout.write(`\n${report}\n`);
    log('wrote bench/results.md');
  } finally {
    await Promise.all(servers.map(close));
    await stack.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function expectServedTypename(target: Target): Promise<void> {
  const { status, json } = await post(target, JSON.stringify({ query: '{ me { kind } }' }));
  if (status !== 200 || json.errors) throw new Error(`authentication probe: ${JSON.stringify(json)}`);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The report.

interface Measured {
  readonly throughput: Record<Operation, Throughput>;
  readonly steady: Record<Operation, OperationCounts>;
  readonly cold: Record<Operation, OperationCounts>;
  readonly authentication: OperationCounts;
  readonly apiBundle: Bundle;
  readonly helloBundle: Bundle;
  readonly apiInits: InitSample[];
  readonly helloInits: InitSample[];
  readonly smallLatency: LoadResult;
  readonly largeLatency: LoadResult;
  readonly seeding: ScaleSeeding;
  readonly seconds: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const verdict = (met: boolean) => (met ? '**met**' : '**missed**');

function results(m: Measured): string {
  const lines: string[] = [];
  const push = (...rows: string[]) => lines.push(...rows);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const loads = (values: readonly number[]) => values.map((value) => value.toFixed(1)).join(' / ');

  // Budget verdicts.
  const throughputCost = OPERATIONS.map((operation) => {
    const { confide, bare } = m.throughput[operation];
    return 1 - confide.requestsPerSecond / bare.requestsPerSecond;
  });
  const worstCost = Math.max(...throughputCost);
  const steadyKms = Math.max(...OPERATIONS.map((operation) => m.throughput[operation].steadyKms));
  const loadRequests = OPERATIONS.reduce(
    (sum, operation) =>
      sum + m.throughput[operation].confide.total + m.throughput[operation].confide.warmupTotal,
    0,
  );
  const coldKms = Math.max(...OPERATIONS.map((operation) => m.cold[operation].kms));
  const caseloadExtraReads = m.steady.caseload.dynamoReads - m.authentication.dynamoReads;
  const maxAudit = Math.max(...OPERATIONS.map((operation) => m.steady[operation].auditWrites));
  const apiInit = median(m.apiInits.map((sample) => sample.totalMs));
  const helloInit = median(m.helloInits.map((sample) => sample.totalMs));
  const initRatio = apiInit / helloInit;
  const scaleRatio = m.largeLatency.p50Ms / m.smallLatency.p50Ms;
  const costs = OPERATIONS.map(
    (operation, index) => `${LABEL[operation]} ${(100 * (throughputCost[index] ?? 0)).toFixed(0)}%`,
  ).join(', ');
  const audits = OPERATIONS.map((operation) => `${LABEL[operation]} ${m.steady[operation].auditWrites}`).join(
    ', ',
  );

  push(
    '# Benchmark results',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: Node ${process.version}, ${availableParallelism()} CPUs (${cpu}),`,
    'DynamoDB Local and the local KMS endpoint on loopback, autocannon in a process of its own. The run took',
    `${m.seconds.toFixed(0)} s; the machine's load average (1 / 5 / 15 min) was ${loads(m.loadBefore)} at the start and ${loads(m.loadAfter)} at the end.`,
    'Absolute numbers are those of DynamoDB Local on this machine, not of AWS; the budgets are ratios measured in one run.',
    '',
    '## Budgets (DESIGN.md, Performance budgets)',
    '',
    '| budget | measured | verdict |',
    '| --- | --- | --- |',
    `| Checks, decryption and audit cost at most 25% of throughput against a bare graphql-yoga schema over the same DynamoDB data | throughput cost: ${costs} | ${verdict(worstCost <= 0.25)} |`,
    `| KMS: in steady state at most one request per organisation per process per key-cache window | ${steadyKms} KMS requests in ${loadRequests.toLocaleString('en-GB')} requests under load (1 organisation, warm process); a cold process: at most ${coldKms} per operation | ${verdict(steadyKms <= 1 && coldKms <= 1)} |`,
    `| DynamoDB: no N+1; a caseload of ${CASELOAD_SIZE} with latest notes costs a constant number of round trips (≤ 4) | ${caseloadExtraReads} read round trips beyond authentication (${m.steady.caseload.dynamoReads} reads in all, of which authentication ${m.authentication.dynamoReads}) | ${verdict(caseloadExtraReads <= 4)} |`,
    `| Audit: at most 2 write calls per GraphQL request | one request each: ${audits}; under load, on average ${OPERATIONS.map((operation) => m.throughput[operation].perRequestAudit.toFixed(2)).join(' / ')} calls (${OPERATIONS.map((operation) => m.throughput[operation].perRequestAuditAttempts.toFixed(2)).join(' / ')} attempts with SDK retries) | ${verdict(maxAudit <= 2 && OPERATIONS.every((operation) => m.throughput[operation].perRequestAudit <= 2))} |`,
    `| Cold start: the api bundle is minified ESM of at most 1.2 MB | ${kb(m.apiBundle.bytes)} (+ ${kb(m.apiBundle.mapBytes)} source map) | ${verdict(m.apiBundle.bytes <= 1.2 * 1024 * 1024)} |`,
    `| Cold start: its init is at most 1.3× that of a bare yoga + Pothos hello bundle | ${ms(apiInit)} vs ${ms(helloInit)}: ${initRatio.toFixed(2)}× | ${verdict(initRatio <= 1.3)} |`,
    `| Scale: client read p50 grows at most 1.5× from 1 organisation / ${SMALL_CLIENTS} clients to ${SCALE_ORGS} organisations / ${SCALE_CLIENTS.toLocaleString('en-GB')} clients | ${ms(m.smallLatency.p50Ms)} → ${ms(m.largeLatency.p50Ms)}: ${scaleRatio.toFixed(2)}× | ${verdict(scaleRatio <= 1.5)} |`,
    '',
    `## Throughput (${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up, ${LOAD.durationSeconds} s measured)`,
    '',
    '| operation | server | req/s | p50 / p99 | DynamoDB round trips per request | server CPU per request | non-2xx, socket errors, GraphQL errors |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const operation of OPERATIONS) {
    const t = m.throughput[operation];
    for (const [name, result, dynamo, cpuMs, graphqlErrors] of [
      ['Confide', t.confide, t.confideDynamo, t.confideCpuMs, t.confideErrors],
      ['bare yoga', t.bare, t.bareDynamo, t.bareCpuMs, t.bareErrors],
    ] as const) {
      push(
        `| ${LABEL[operation]} | ${name} | ${result.requestsPerSecond.toFixed(0)} | ${ms(result.p50Ms)} / ${ms(result.p99Ms)} | ${dynamo.toFixed(2)} | ${ms(cpuMs)} | ${result.non2xx}, ${result.errors + result.timeouts}, ${graphqlErrors} |`,
      );
    }
    push(
      `| ${LABEL[operation]} | **Confide / bare** | **${(t.confide.requestsPerSecond / t.bare.requestsPerSecond).toFixed(2)}** | | ${(t.confideDynamo / t.bareDynamo).toFixed(1)}× | ${(t.confideCpuMs / t.bareCpuMs).toFixed(1)}× | |`,
    );
  }
  push(
    '',
    'The bare server (bench/bare-server.ts) reads and writes the same items through the same access paths but does no',
    'authentication, need-to-know check, decryption or audit. Confide authenticates every request (JWT, then the',
    "caller's organisation, identity and staff items), reads subject keys, and writes one audit transaction, so each",
    'request makes several times the DynamoDB round trips of the bare one; with DynamoDB Local (one Java process on the',
    'same 2 CPUs) as the shared bottleneck, the throughput ratio follows the round-trip ratio more than the CPU the API',
    "itself spends. The server CPU column is the benchmark process's CPU time per request (API and SDK, DynamoDB Local",
    'and the load generator excluded); per-request columns divide by the responses the server sent during the run,',
    'warm-up included, after the requests cut off by the end of the run have finished.',
    '',
    '## SDK requests per operation (one request each)',
    '',
    '| operation | DynamoDB round trips (steady) | of which reads | breakdown | audit write calls | KMS steady | KMS cold (fresh process) | DynamoDB cold |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| authentication alone (\`{ me { kind } }\`) | ${m.authentication.dynamo} | ${m.authentication.dynamoReads} | ${breakdown(m.authentication)} | ${m.authentication.auditWrites} | ${m.authentication.kms} | – | – |`,
  );
  for (const operation of OPERATIONS) {
    const steady = m.steady[operation];
    const cold = m.cold[operation];
    push(
      `| ${LABEL[operation]} | ${steady.dynamo} | ${steady.dynamoReads} | ${breakdown(steady)} | ${steady.auditWrites} | ${steady.kms} | ${cold.kms} | ${cold.dynamo} |`,
    );
  }
  push(
    '',
    'Audit write calls are DynamoDB write commands whose items all live under `#AUDIT#` keys (counted once per',
    "command; attempts count the SDK's retries too). Under load, concurrent requests of one organisation make more",
    'audit write calls and DynamoDB round trips per request than one request alone (see the throughput table),',
    'consistent with retries on contended audit chain heads.',
    '',
    `## Cold start (${m.apiInits.length} fresh Node processes per bundle, alternating, medians; \`--enable-source-maps\` as in Lambda)`,
    '',
    '| bundle | size | source map | import (incl. schema build) | first request | init total |',
    '| --- | --- | --- | --- | --- | --- |',
    `| api (services/api/src/handler.ts) | ${kb(m.apiBundle.bytes)} | ${kb(m.apiBundle.mapBytes)} | ${ms(median(m.apiInits.map((s) => s.importMs)))} | ${ms(median(m.apiInits.map((s) => s.firstRequestMs)))} | ${ms(apiInit)} |`,
    `| bare yoga + Pothos hello (bench/hello-handler.ts) | ${kb(m.helloBundle.bytes)} | ${kb(m.helloBundle.mapBytes)} | ${ms(median(m.helloInits.map((s) => s.importMs)))} | ${ms(median(m.helloInits.map((s) => s.firstRequestMs)))} | ${ms(helloInit)} |`,
    `| ratio | ${(m.apiBundle.bytes / m.helloBundle.bytes).toFixed(2)}× | | ${(median(m.apiInits.map((s) => s.importMs)) / median(m.helloInits.map((s) => s.importMs))).toFixed(2)}× | ${(median(m.apiInits.map((s) => s.firstRequestMs)) / median(m.helloInits.map((s) => s.firstRequestMs))).toFixed(2)}× | ${initRatio.toFixed(2)}× |`,
    '',
    "Both bundles are built with esbuild's JS API and the CDK bundling options of infra/lib/lambda-bundling.ts (ESM,",
    'minified, source map, target node22, main fields module/main, the createRequire banner, nothing external). The',
    'first request is `{ __typename }` through the HTTP API v2 adapter, with no token, so no network is involved.',
    `Measured on Node ${process.version} (the Lambda runs Node 22). Of the api bundle, ${kb(m.apiBundle.duplicateGraphqlBytes)} are a second,`,
    "CommonJS copy of parts of graphql (graphql-armor's max-tokens parser requires `graphql/language/parser`; the",
    'bundling aliases it to the ESM file, see decision 0009).',
    '',
    `## Scale (client read, ${LATENCY.connections} connection, ${LATENCY.warmupSeconds} s warm-up, ${LATENCY.durationSeconds} s measured)`,
    '',
    '| data set | p50 | p99 | req/s |',
    '| --- | --- | --- | --- |',
    `| 1 organisation / ${SMALL_CLIENTS} clients | ${ms(m.smallLatency.p50Ms)} | ${ms(m.smallLatency.p99Ms)} | ${m.smallLatency.requestsPerSecond.toFixed(0)} |`,
    `| ${m.seeding.organisations} organisations / ${m.seeding.clients.toLocaleString('en-GB')} clients | ${ms(m.largeLatency.p50Ms)} | ${ms(m.largeLatency.p99Ms)} | ${m.largeLatency.requestsPerSecond.toFixed(0)} |`,
    '',
    `Seeding the scale case took ${m.seeding.seconds.toFixed(0)} s. The ${m.seeding.organisations - 1} further organisations were onboarded for real`,
    '(KMS key, branch and beacon keys, organisation item, admin), and each got one client registered through the',
    `real store (${m.seeding.throughStores} in all). **Registering 100,000 clients through the stores does not fit the time budget**`,
    '(each registration is a DynamoDB transaction of about seven items plus a wrapped key), so the other',
    `${m.seeding.copied.toLocaleString('en-GB')} clients are **BatchWriteItem copies of the data-table profile item** of their organisation's`,
    'registered client, with new ids (client id, reference, portal subject, index keys) and re-sealed for their own',
    "item key under that client's subject key: realistically shaped and sized sealed items on the service index.",
    'Their reference, identity and blind-index items and wrapped subject keys are not copied, so the copies are table',
    'volume only and are not read through the API; the client read measured is of a client registered for real.',
    `${m.seeding.items.toLocaleString('en-GB')} items were written by BatchWriteItem.`,
    '',
  );
  return lines.join('\n');
}

function breakdown(counts: OperationCounts): string {
  return Object.entries(counts.breakdown)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

await main();
process.exit(0);
