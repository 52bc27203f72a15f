import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { LOCAL_CREDENTIALS } from '@confide/local';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { httpApiEvent } from '../test/support/http-api-event';
import { bodiesFor, OPERATIONS, type Operation } from './operations';
import { RecordedTransport } from './recorded-transport';
import { REPLAYED } from './replayed-cpu';
import { createSameIoYoga } from './same-io-server';
import { withSmallStack } from './small-stack';
import { spread } from './stats';

/**
 * Two (or more) trees of Confide in one process, replayed alternately with the same-I/O baseline (issue 18): an
 * in-process A/B of a change's CPU, where two runs of `--only replayed-cpu` one after the other on a shared machine
 * differ by more than the change. Each tree is a checkout (e.g. `git archive` of the commit before) with a
 * node_modules of its own: links to this checkout's packages, except `@confide/*`, linked into the tree, and
 * `@pothos/*`, copied (Pothos registers its plugins per class: two trees on one copy refuse to build). Each tree's
 * api and store are then modules of their own, with their own audit chain leases and caches; graphql, the AWS SDK
 * and the rest are shared. `.` can stand for this checkout when it is the only one on its own Pothos.
 *
 * `npx tsx bench/replayed-ab.ts <operation> <repeats> <tree>...` (a tree is a folder; `.` is this checkout). Prints
 * each server's CPU per request per repeat, then median (min–max), and the load average before and after.
 */

const REQUESTS = REPLAYED.requests;

interface Served {
  readonly label: string;
  readonly transport: RecordedTransport;
  readonly kms?: RecordedTransport;
  readonly headers: Record<string, string>;
  readonly bodies: string[];
  readonly handle: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
}

const [operation = 'caseload', repeatsText = '5', ...trees] = process.argv.slice(2);
if (!(OPERATIONS as readonly string[]).includes(operation))
  throw new Error(`operation: ${OPERATIONS.join(', ')}`);
const repeats = Number(repeatsText);
if (trees.length === 0) trees.push('.');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

await withSmallStack(async ({ stack, world, config }) => {
  const op = operation as Operation;
  const context = { awsRequestId: 'bench', functionName: 'bench' } as Context;
  const client = (transport: RecordedTransport, Client: typeof DynamoDBClient = DynamoDBClient) =>
    new Client({
      region: stack.region,
      endpoint: stack.dynamodbEndpoint,
      credentials: LOCAL_CREDENTIALS,
      requestHandler: transport,
    });
  const served: Served[] = [];
  for (const [index, tree] of trees.entries()) {
    const root = resolve(tree);
    const api = await import(`${root}/packages/api/src/index.ts`);
    // Each tree's api on the client its createServices builds: the lean one where the tree has it (decision 0069).
    const { LeanDynamoDBClient } = await import(`${root}/packages/store/src/index.ts`);
    const adapter = await import(`${root}/services/api/src/lambda-adapter.ts`);
    const transport = new RecordedTransport();
    const kmsTransport = new RecordedTransport();
    const kms = new KMSClient({
      region: stack.region,
      endpoint: stack.kmsEndpoint,
      credentials: LOCAL_CREDENTIALS,
      requestHandler: kmsTransport,
    });
    const services = api.createServices(api.configFromEnv(process.env), {
      dynamo: client(transport, LeanDynamoDBClient ?? DynamoDBClient),
      kms,
    });
    const yoga = api.createConfideYoga(services);
    served.push({
      label: `${String.fromCharCode(65 + index)} ${tree}`,
      transport,
      kms: kmsTransport,
      headers: { authorization: `Bearer ${world.workerToken}` },
      bodies: bodiesFor(op, world, 'confide'),
      handle: (event) => adapter.handleHttpApiEvent(yoga, event, context),
    });
  }
  {
    const transport = new RecordedTransport();
    const { createServices } = await import('@confide/api');
    const keys = createServices(config, { dynamo: client(new RecordedTransport()) }).keys;
    const { handleHttpApiEvent } = await import('../services/api/src/lambda-adapter');
    const yoga = createSameIoYoga({
      dynamo: client(transport),
      table: config.tables.data,
      orgId: world.orgId,
      staffId: world.workerId,
      externalSubject: world.workerSubject,
      subjectKeyLocation: (subjectId) => keys.subjectKeyLocation(world.orgId, subjectId),
    });
    served.push({
      label: 'baseline',
      transport,
      headers: {},
      bodies: bodiesFor(op, world, 'baseline'),
      handle: (event) => handleHttpApiEvent(yoga, event, context),
    });
  }
  let sequence = 0;
  const invoke = async (server: Served, body: string) => {
    server.transport.rewind();
    server.kms?.rewind();
    const event = httpApiEvent(body, {
      headers: server.headers,
      requestId: `ab-${++sequence}`,
      userAgent: 'bench',
    });
    const result = (await server.handle(event)) as { statusCode: number; body?: string };
    if (result.statusCode !== 200 || result.body?.includes('"errors"')) {
      throw new Error(
        `${server.label} (${server.transport.mode}): ${result.statusCode} ${result.body?.slice(0, 300)}`,
      );
    }
  };
  const bodyOf = (server: Served) => server.bodies[2 % server.bodies.length] ?? '';
  for (const server of served) {
    const modes = (mode: 'live' | 'record' | 'replay') => {
      server.transport.mode = mode;
      if (server.kms) server.kms.mode = mode;
    };
    modes('live');
    for (const body of server.bodies.slice(0, 2)) await invoke(server, body);
    server.transport.clear();
    server.kms?.clear();
    modes('record');
    await invoke(server, bodyOf(server));
    modes('replay');
  }
  for (const server of served) {
    for (let i = 0; i < REPLAYED.warmup[op]; i++) await invoke(server, bodyOf(server));
  }
  /** Writes to `file` the profile `stop` returns after `start`, over one repeat of the first tree's requests. */
  const profileFirstTree = async (
    file: string,
    start: (session: Session) => Promise<unknown>,
    stop: (session: Session) => Promise<{ profile: unknown }>,
  ) => {
    const session = new Session();
    session.connect();
    await start(session);
    const first = served[0] as Served;
    for (let i = 0; i < REQUESTS[op]; i++) await invoke(first, bodyOf(first));
    const { profile } = await stop(session);
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
  // CONFIDE_BENCH_HEAP_PROFILE=<file>: a sampling heap profile (what allocates, for GC).
  const heapProfile = process.env.CONFIDE_BENCH_HEAP_PROFILE;
  if (heapProfile) {
    await profileFirstTree(
      heapProfile,
      async (session) => {
        await session.post('HeapProfiler.enable');
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 1024,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      },
      (session) => session.post('HeapProfiler.stopSampling'),
    );
  }
  // CONFIDE_BENCH_CPU_PROFILE=<file>: a V8 CPU profile (what costs CPU).
  const cpuProfile = process.env.CONFIDE_BENCH_CPU_PROFILE;
  if (cpuProfile) {
    await profileFirstTree(
      cpuProfile,
      async (session) => {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
      },
      (session) => session.post('Profiler.stop'),
    );
  }
  const loadBefore = loadavg();
  const cpu = new Map<Served, number[]>(served.map((server) => [server, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    // Each server first in turn.
    const order = served.map((_, i) => served[(i + repeat) % served.length] as Served);
    for (const server of order) {
      const count = REQUESTS[op];
      const start = process.cpuUsage();
      for (let i = 0; i < count; i++) await invoke(server, bodyOf(server));
      const used = process.cpuUsage(start);
      cpu.get(server)?.push((used.user + used.system) / 1000 / count);
    }
  }
  const loadAfter = loadavg();
  const loads = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');
  const lines = [`${op}, ${repeats} repeats, load ${loads(loadBefore)} before, ${loads(loadAfter)} after`];
  const baseline = cpu.get(served.at(-1) as Served) ?? [];
  for (const server of served) {
    const values = cpu.get(server) ?? [];
    const s = spread(values);
    const ratios = values.map((v, i) => v / (baseline[i] ?? 1));
    const r = spread(ratios);
    lines.push(
      `${server.label}: ${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)}) ms; ratio ${r.median.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)}); per repeat ${values.map((v) => v.toFixed(2)).join(' ')}`,
    );
  }
  // Paired: each tree over the first, repeat by repeat.
  const first = cpu.get(served[0] as Served) ?? [];
  for (const server of served.slice(1, -1)) {
    const values = cpu.get(server) ?? [];
    const r = spread(values.map((v, i) => v / (first[i] ?? 1)));
    lines.push(`${server.label} / A: ${r.median.toFixed(3)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
});
process.exit(0);
