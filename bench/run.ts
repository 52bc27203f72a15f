import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { configFromEnv, createConfideYoga, createServices } from '@confide/api';
import { LOCAL_CREDENTIALS, type LocalStack, startLocalStack } from '@confide/local';
import { startLocalServer } from '@confide/service-api';
import { sequentialRoundTrips } from '@confide/store';
import { httpApiEvent } from '../test/support/http-api-event';
import { auditTimes } from './audit-share';
import {
  type Bundle,
  bundle,
  type InitProbe,
  type InitSample,
  lambdaNodeOptions,
  measureInit,
  node22,
} from './cold-start';
import { type CostLine, monthlyCost, REQUEST_MIX } from './cost';
import { type LoadResult, load, RUN_HEADER } from './load-generator';
import { bodiesFor, LABEL, OPERATIONS, type Operation, order, type ServerName } from './operations';
import { REPLAYED, type Replayed, type ReplayJob } from './replayed-cpu';
import { type SameIoOptions, startSameIoServer } from './same-io-server';
import {
  attributeCalls,
  type BenchCall,
  instrumentedDynamo,
  type RunTally,
  ServedRequests,
} from './served-requests';
import { withSmallStack } from './small-stack';
import { median, P99_MIN_SAMPLES, percentile, type Spread, spread } from './stats';
import {
  CASELOAD_SIZE,
  SCALE_CLIENTS,
  SCALE_ORGS,
  type ScaleSeeding,
  SMALL_CLIENTS,
  type SmallWorld,
  seedScale,
  seedSmall,
} from './world';

/**
 * `npm run bench`: the performance budgets of DESIGN.md (issue 18), each from a sound measurement. Confide and the
 * same-I/O baseline (same-io-server.ts) alternate, every figure is repeated (min / median / max), counts are exact
 * (served-requests.ts, load-generator.ts), API CPU is measured through the Lambda adapter with the network
 * replayed (recorded-transport.ts), cold start on Node 22 includes the first authenticated read. Writes
 * bench/results.md. About 5–6 minutes on 2 cores. Not part of `npm test`.
 */

// Node 20 runs the bench itself (cold start runs on Node 22): the SDK's reminder is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const startedAt = performance.now();
const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)} s`;
const log = (message: string) => process.stdout.write(`[bench ${elapsed()}] ${message}\n`);

const ROUND_TRIP_BUDGET: Record<Operation, number> = { clientRead: 2, caseload: 3, noteWrite: 2 };

const REPEATS = 3;
/** Requests per repeat, per server. Under load, client read and note write pool ≥ 1,000 samples for a p99. */
const LOAD = {
  connections: 8,
  warmupRequests: 16,
  requests: { clientRead: 340, caseload: 40, noteWrite: 340 },
};
const ONE_AT_A_TIME = { clientRead: 30, caseload: 12, noteWrite: 30 } as const;
const CAPACITY_REQUESTS = 3;
const SCALE_REQUESTS = 150;
const INIT_RUNS = 5;

interface Target {
  readonly name: ServerName;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly served: ServedRequests;
}

const listen = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

let runCount = 0;
/** Runs a load job against a target and returns the result with the run's exact server-side tally. */
async function measuredLoad(
  target: Target,
  bodies: readonly string[],
  shape: { connections: number; warmupRequests: number; requests: number },
): Promise<{ result: LoadResult; tally: RunTally }> {
  const run = `run-${++runCount}`;
  await target.served.drained();
  const result = await load({ url: target.url, headers: target.headers, bodies, run, ...shape });
  await target.served.drained();
  const tally = target.served.tally(run);
  // Exact by construction; checked on every run, so a figure can never rest on a miscount.
  if (result.requests !== shape.requests || tally.served !== shape.requests || tally.cutOff !== 0) {
    throw new Error(
      `${target.name} ${run}: sent ${result.requests}, served ${tally.served}, cut off ${tally.cutOff}`,
    );
  }
  if (tally.graphqlErrors > 0 || result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${target.name} ${run}: ${tally.graphqlErrors} GraphQL errors, ${result.non2xx} non-2xx, ${result.errors} errors`,
    );
  }
  return { result, tally };
}

const dynamoCalls = (calls: readonly BenchCall[]) => calls.filter((call) => call.service === 'DynamoDB');

/** Step of each call in its request's chain (1 = started before any other call ended), as sequentialRoundTrips. */
function steps(calls: readonly BenchCall[]): number[] {
  return calls.map((call) => {
    const before = calls.filter((other) => other.endedAt <= call.startedAt);
    return sequentialRoundTrips(before, 'DynamoDB') + 1;
  });
}

// ---------------------------------------------------------------------------------------------------------------

interface OneAtATime {
  /** Server-side latency of every request (ms), all repeats. */
  readonly latencyMs: Spread;
  readonly sequential: number;
  readonly callsByOperation: Record<string, number>;
  /** Time in audit write calls over the latency (audit-share.ts, `covered`). */
  readonly auditShare: Spread;
  /** Audit time on the critical path over the latency (audit-share.ts, `exclusive`; decision 0054). */
  readonly auditCriticalShare: Spread;
  readonly timeline: string;
}

interface Capacity {
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly auditWriteUnits: number;
  readonly dynamoAttempts: number;
  readonly countersAttempts: number;
  readonly sequential: number;
}

interface UnderLoad {
  readonly rps: number[];
  readonly latencies: number[];
  readonly p50: number[];
  readonly cpuMsPerRequest: number[];
  readonly dynamoPerRequest: number[];
  readonly auditPerRequest: number[];
  /** Transactional audit calls per request: the budget's "2 write calls" (decision 0042: entries go beside them). */
  readonly auditTransactionsPerRequest: number[];
  readonly kms: number;
}

/**
 * `npm run bench -- --only replayed-cpu [--operation <clientRead|caseload|noteWrite>] [--repeats <n ≥ 3>]`: seeds the small world and
 * runs only the replayed API CPU measurement (a minute instead of six), printing its table; bench/results.md is left
 * alone. `npm run bench -- --only cold-start [--repeats <n ≥ 3>]`: the small world and the cold start alone, wall and
 * CPU time per process (with CONFIDE_BENCH_CPU_PROFILE, each process's V8 CPU profile too). Without `--only`, the
 * full bench as before.
 */
const ONLY_CHOICES = ['replayed-cpu', 'cold-start'] as const;
function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}
const only = argument('--only');
if (only !== undefined && !(ONLY_CHOICES as readonly string[]).includes(only)) {
  throw new Error(`--only takes one of: ${ONLY_CHOICES.join(', ')}`);
}
const onlyOperation = argument('--operation');
const onlyRepeats = Number(argument('--repeats') ?? 3);
if (!Number.isInteger(onlyRepeats) || onlyRepeats < 3) throw new Error('--repeats takes a whole number ≥ 3');
if (onlyOperation !== undefined && !(OPERATIONS as readonly string[]).includes(onlyOperation)) {
  throw new Error(`--operation takes one of: ${OPERATIONS.join(', ')}`);
}

async function main(): Promise<void> {
  if (only === 'replayed-cpu') return replayedOnly();
  if (only === 'cold-start') return coldOnly();
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
    // Confide on the lean client createServices builds (decision 0069); the baseline below on the SDK's.
    const dynamo = instrumentedDynamo(stack, { lean: true });
    const kms = new KMSClient({
      region: stack.region,
      endpoint: stack.kmsEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    attributeCalls(kms.middlewareStack, 'KMS');
    const services = createServices(config, { dynamo, kms });

    log(
      `seeding 1 organisation with ${SMALL_CLIENTS} clients (${CASELOAD_SIZE} on a caseload, with notes) through the stores`,
    );
    const world = await seedSmall(services, stack);
    const sameIo = (client: DynamoDBClient): SameIoOptions => ({
      dynamo: client,
      table: config.tables.data,
      orgId: world.orgId,
      staffId: world.workerId,
      externalSubject: world.workerSubject,
      subjectKeyLocation: (subjectId) => services.keys.subjectKeyLocation(world.orgId, subjectId),
    });

    // Cold start first, while no load runs.
    const cold = await coldStart(work, env, world);

    const confideServer = await startLocalServer(createConfideYoga(services), 0);
    const baselineServer = await startSameIoServer(sameIo(instrumentedDynamo(stack)));
    servers.push(confideServer, baselineServer);
    const targets: Record<ServerName, Target> = {
      confide: {
        name: 'confide',
        url: listen(confideServer),
        headers: { authorization: `Bearer ${world.workerToken}` },
        served: new ServedRequests().attach(confideServer),
      },
      baseline: {
        name: 'baseline',
        url: listen(baselineServer),
        headers: {},
        served: new ServedRequests().attach(baselineServer),
      },
    };
    // Both answer every query correctly before anything is measured (and the caches of a warm process fill).
    for (const operation of OPERATIONS)
      for (const target of Object.values(targets)) {
        await measuredLoad(target, bodiesFor(operation, world, target.name), {
          connections: 1,
          warmupRequests: 0,
          requests: 3,
        });
        await expectCaseload(target, world);
      }

    log('capacity units and round trips per operation (one request at a time)');
    const capacity = {} as Record<Operation, Capacity>;
    for (const operation of OPERATIONS) {
      services.counters.reset();
      const { tally } = await measuredLoad(targets.confide, bodiesFor(operation, world, 'confide'), {
        connections: 1,
        warmupRequests: 0,
        requests: CAPACITY_REQUESTS,
      });
      const per = (pick: (call: BenchCall) => number) =>
        median(
          tally.requests.map((request) =>
            dynamoCalls(request.calls).reduce((sum, call) => sum + pick(call), 0),
          ),
        );
      capacity[operation] = {
        readUnits: per((call) => call.readUnits),
        writeUnits: per((call) => call.writeUnits),
        auditWriteUnits: per((call) => (call.audit ? call.writeUnits : 0)),
        dynamoAttempts: ServedRequests.total(tally, 'DynamoDB'),
        countersAttempts: services.counters.total('DynamoDB'),
        sequential: Math.max(
          ...tally.requests.map((request) => sequentialRoundTrips(request.calls, 'DynamoDB')),
        ),
      };
    }

    log(`one request at a time: ${REPEATS} repeats, Confide and the baseline alternating`);
    const oneAtATime = {} as Record<Operation, Record<ServerName, OneAtATime>>;
    for (const operation of OPERATIONS) {
      const tallies: Record<ServerName, RunTally[]> = { confide: [], baseline: [] };
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        for (const name of order(repeat)) {
          const { tally } = await measuredLoad(targets[name], bodiesFor(operation, world, name), {
            connections: 1,
            warmupRequests: 2,
            requests: ONE_AT_A_TIME[operation],
          });
          tallies[name].push(tally);
        }
      }
      oneAtATime[operation] = {
        confide: summariseOneAtATime(tallies.confide),
        baseline: summariseOneAtATime(tallies.baseline),
      };
    }

    log(`under load: ${LOAD.connections} connections, ${REPEATS} repeats, alternating`);
    const underLoad = {} as Record<Operation, Record<ServerName, UnderLoad>>;
    for (const operation of OPERATIONS) {
      const entry: Record<ServerName, UnderLoad> = {
        confide: emptyUnderLoad(),
        baseline: emptyUnderLoad(),
      };
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        for (const name of order(repeat)) {
          const cpu = process.cpuUsage();
          const { result, tally } = await measuredLoad(targets[name], bodiesFor(operation, world, name), {
            connections: LOAD.connections,
            warmupRequests: LOAD.warmupRequests,
            requests: LOAD.requests[operation],
          });
          const used = process.cpuUsage(cpu);
          const into = entry[name] as { -readonly [K in keyof UnderLoad]: UnderLoad[K] };
          into.rps.push(result.requestsPerSecond);
          into.latencies.push(...result.latenciesMs);
          into.p50.push(percentile(result.latenciesMs, 50));
          // Warm-up requests ran in the same window: divide by every request served.
          const servedInWindow = tally.served + LOAD.warmupRequests;
          into.cpuMsPerRequest.push((used.user + used.system) / 1000 / servedInWindow);
          into.dynamoPerRequest.push(ServedRequests.total(tally, 'DynamoDB') / tally.served);
          into.auditPerRequest.push(tally.auditWrites / tally.served);
          into.auditTransactionsPerRequest.push(
            tally.requests.reduce(
              (sum, request) =>
                sum +
                request.calls.filter((call) => call.audit && call.operation === 'TransactWriteItems').length,
              0,
            ) / tally.served,
          );
          into.kms += ServedRequests.total(tally, 'KMS');
        }
      }
      underLoad[operation] = entry;
      log(
        `  ${LABEL[operation]}: Confide ${median(entry.confide.rps).toFixed(0)} req/s, baseline ${median(entry.baseline.rps).toFixed(0)} req/s`,
      );
    }

    const replayed = await replayedCpuOf(OPERATIONS, world, stack);

    log('scale: client read one at a time, 1 organisation');
    const smallP50 = await scaleP50(targets.confide, bodiesFor('clientRead', world, 'confide'));
    log(
      `scale: seeding ${SCALE_ORGS} organisations / ${SCALE_CLIENTS.toLocaleString('en-GB')} clients in total`,
    );
    const seeding = await seedScale(services, config, SMALL_CLIENTS, log);
    const largeP50 = await scaleP50(targets.confide, bodiesFor('clientRead', world, 'confide'));

    const report = results({
      capacity,
      oneAtATime,
      underLoad,
      replayed,
      cold,
      smallP50,
      largeP50,
      seeding,
      keyCacheMinutes: config.kms.keyCacheTtlMs / 60_000,
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

/** The replayed API CPU of each operation, each in a child process of its own (replayed-cpu.ts). */
async function replayedCpuOf(
  operations: readonly Operation[],
  world: SmallWorld,
  stack: LocalStack,
  repeats = REPEATS,
): Promise<Record<Operation, Replayed>> {
  log('API CPU per request through the Lambda adapter, DynamoDB and KMS responses replayed');
  const replayed = {} as Record<Operation, Replayed>;
  for (const operation of operations) {
    replayed[operation] = await replayedInChild({
      operation,
      repeats,
      world,
      region: stack.region,
      dynamodbEndpoint: stack.dynamodbEndpoint,
      kmsEndpoint: stack.kmsEndpoint,
    });
    const r = replayed[operation];
    log(
      `  ${LABEL[operation]}: Confide ${median(r.cpuMs.confide).toFixed(2)} ms, baseline ${median(r.cpuMs.baseline).toFixed(2)} ms CPU per request`,
    );
  }
  return replayed;
}

/** `--only replayed-cpu`: the small world and the replayed CPU table, nothing else; results.md is not written. */
async function replayedOnly(): Promise<void> {
  await withSmallStack(
    async ({ stack, world }) => {
      const operations = onlyOperation ? [onlyOperation as Operation] : OPERATIONS;
      const replayed = await replayedCpuOf(operations, world, stack, onlyRepeats);
      const lines = [
        '',
        `Replayed API CPU per request, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${loadavg()
          .map((value) => value.toFixed(1))
          .join(' / ')}; per repeat (Confide / baseline ms, ratio), then median (min–max):`,
        '',
        '| operation | Confide CPU | baseline CPU | ratio | per repeat | GC share (Confide / baseline) |',
        '| --- | --- | --- | --- | --- | --- |',
        ...operations.map((operation) => {
          const r = replayed[operation];
          const repeats = r.ratio
            .map(
              (ratio, i) =>
                `${r.cpuMs.confide[i]?.toFixed(2)}/${r.cpuMs.baseline[i]?.toFixed(2)} ${ratio.toFixed(2)}×`,
            )
            .join('; ');
          return `| ${LABEL[operation]} | ${range(spread(r.cpuMs.confide), fixed(2))} ms | ${range(spread(r.cpuMs.baseline), fixed(2))} ms | ${range(spread(r.ratio), (n) => `${n.toFixed(2)}×`)} | ${repeats} | ${range(spread(r.gcShare.confide), pct)} / ${range(spread(r.gcShare.baseline), pct)} |`;
        }),
        '',
      ];
      process.stdout.write(lines.join('\n'));
    },
    { log },
  );
}

/** `--only cold-start`: the small world and the cold start table, wall and CPU time; results.md is not written. */
async function coldOnly(): Promise<void> {
  await withSmallStack(
    async ({ work, env, world }) => {
      const loadBefore = loadavg();
      const cold = await coldStart(work, env, world, onlyRepeats, process.env.CONFIDE_BENCH_CPU_PROFILE);
      const loadAfter = loadavg();
      const loads = (values: readonly number[]) => values.map((value) => value.toFixed(1)).join(' / ');
      const row = (label: string, bundle: Bundle, samples: InitSample[]) =>
        `| ${label} | ${kb(bundle.bytes)} | ${range(spread(samples.map((s) => s.importMs)), ms)} | ${range(spread(samples.map((s) => s.firstRequestMs)), ms)} | ${range(spread(samples.map((s) => s.totalMs)), ms)} | ${range(spread(samples.map((s) => s.importCpuMs)), ms)} | ${range(spread(samples.map((s) => s.firstRequestCpuMs)), ms)} | ${range(spread(samples.map((s) => s.cpuMs)), ms)} |`;
      const ratio = (pick: (s: InitSample) => number) =>
        `${(median(cold.apiInits.map(pick)) / median(cold.helloInits.map(pick))).toFixed(2)}×`;
      const lines = [
        '',
        `Cold start, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${cold.node}, ${onlyRepeats} fresh processes per bundle, alternating; load average ${loads(loadBefore)} before, ${loads(loadAfter)} after; median (min–max):`,
        '',
        '| bundle | size | import | first request | init total (wall) | import CPU | first request CPU | process CPU |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        row('api, first request an authenticated client read', cold.api, cold.apiInits),
        row('yoga + Pothos hello', cold.hello, cold.helloInits),
        '',
        `api / hello: wall ${ratio((s) => s.totalMs)}, process CPU ${ratio((s) => s.cpuMs)}`,
        '',
      ];
      process.stdout.write(lines.join('\n'));
    },
    { log },
  );
}

async function expectCaseload(target: Target, world: SmallWorld): Promise<void> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers, [RUN_HEADER]: 'check' },
    body: bodiesFor('caseload', world, target.name)[0],
  });
  const json = (await response.json()) as {
    data?: { caseload?: { edges: { node: { latestNote: unknown } }[] } };
  };
  const edges = json.data?.caseload?.edges ?? [];
  if (edges.length !== CASELOAD_SIZE || edges.some((edge) => !edge.node.latestNote)) {
    throw new Error(`${target.name} caseload: expected ${CASELOAD_SIZE} clients with latest notes`);
  }
}

function emptyUnderLoad(): UnderLoad {
  return {
    rps: [],
    latencies: [],
    p50: [],
    cpuMsPerRequest: [],
    dynamoPerRequest: [],
    auditPerRequest: [],
    auditTransactionsPerRequest: [],
    kms: 0,
  };
}

function summariseOneAtATime(tallies: readonly RunTally[]): OneAtATime {
  const requests = tallies.flatMap((tally) => tally.requests);
  const callsByOperation: Record<string, number> = {};
  for (const tally of tallies)
    for (const [key, count] of tally.calls) callsByOperation[key] = (callsByOperation[key] ?? 0) + count;
  for (const key of Object.keys(callsByOperation))
    callsByOperation[key] = (callsByOperation[key] ?? 0) / requests.length;
  // The timeline of the request of median latency.
  const sorted = [...requests].sort((a, b) => a.endedAt - a.startedAt - (b.endedAt - b.startedAt));
  const typical = sorted[Math.floor(sorted.length / 2)];
  let timeline = '';
  if (typical) {
    const calls = [...typical.calls].sort((a, b) => a.startedAt - b.startedAt);
    const callSteps = steps(calls);
    timeline = calls
      .map((call, index) => {
        const from = call.startedAt - typical.startedAt;
        const to = call.endedAt - typical.startedAt;
        const step = call.service === 'DynamoDB' ? `step ${callSteps[index]}` : call.service;
        return `${step}: ${call.operation}${call.audit ? ' (audit)' : ''} ${from.toFixed(1)}–${to.toFixed(1)} ms`;
      })
      .join('; ');
    timeline += ` — response at ${(typical.endedAt - typical.startedAt).toFixed(1)} ms`;
  }
  return {
    latencyMs: spread(tallies.map((tally) => median(tally.requests.map((r) => r.endedAt - r.startedAt)))),
    sequential: Math.max(...requests.map((request) => sequentialRoundTrips(request.calls, 'DynamoDB'))),
    callsByOperation,
    auditShare: spread(
      tallies.map((tally) =>
        median(
          tally.requests.map(
            (request) =>
              auditTimes(dynamoCalls(request.calls)).covered / (request.endedAt - request.startedAt),
          ),
        ),
      ),
    ),
    auditCriticalShare: spread(
      tallies.map((tally) =>
        median(
          tally.requests.map(
            (request) =>
              auditTimes(dynamoCalls(request.calls)).exclusive / (request.endedAt - request.startedAt),
          ),
        ),
      ),
    ),
    timeline,
  };
}

async function scaleP50(target: Target, bodies: readonly string[]): Promise<Spread> {
  const p50s: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const { result } = await measuredLoad(target, bodies, {
      connections: 1,
      warmupRequests: 5,
      requests: SCALE_REQUESTS,
    });
    p50s.push(percentile(result.latenciesMs, 50));
  }
  return spread(p50s);
}

/**
 * One operation's replayed CPU, in a process of its own (see replayed-cpu.ts), with the stack's environment.
 * `CONFIDE_BENCH_CPU_PROFILE=<folder>` also writes each replay's V8 CPU profiles to `<folder>/<operation>/`: the
 * whole process's (Node's `--cpu-prof`) and one of each measured run (`<operation>-<server>-<repeat>.cpuprofile`).
 */
async function replayedInChild(job: ReplayJob): Promise<Replayed> {
  const profileDir = process.env.CONFIDE_BENCH_CPU_PROFILE;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      // Named by Node (time, pid, thread), one folder per operation: the tsx loader thread writes one of its own.
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, job.operation)}`] : []),
      '--import',
      'tsx',
      join(here, 'replayed-cpu.ts'),
      JSON.stringify(profileDir ? { ...job, profileDir: join(profileDir, job.operation) } : job),
    ],
    { cwd: root, env: process.env, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60 * 1000 },
  );
  const line = stdout.split('\n').find((entry) => entry.startsWith('BENCH_REPLAYED '));
  if (!line) throw new Error(`The replay printed no result:\n${stdout.slice(-1000)}`);
  return JSON.parse(line.slice('BENCH_REPLAYED '.length)) as Replayed;
}

// ---------------------------------------------------------------------------------------------------------------
// Cold start.

interface Cold {
  readonly node: string;
  readonly nodeOptions: string;
  readonly api: Bundle;
  readonly hello: Bundle;
  readonly apiInits: InitSample[];
  readonly helloInits: InitSample[];
}

async function coldStart(
  work: string,
  env: Record<string, string>,
  world: SmallWorld,
  runs = INIT_RUNS,
  cpuProfileDir?: string,
): Promise<Cold> {
  log(
    'cold start: fetching Node 22, bundling the api and a bare yoga + Pothos hello with the CDK esbuild options',
  );
  const node = await node22();
  const api = await bundle(join(root, 'services/api/src/handler.ts'), join(work, 'api'));
  const hello = await bundle(join(here, 'hello-handler.ts'), join(work, 'hello'));
  const nodeOptions = lambdaNodeOptions();
  const initEnv = {
    ...env,
    NODE_OPTIONS: nodeOptions,
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_REGION: env.AWS_REGION ?? 'eu-west-2',
  };
  const apiProbe = (index: number) => ({
    node: node.path,
    bundlePath: api.path,
    env: initEnv,
    // A different client each time: no process shares anything with another, but DynamoDB Local's own caches.
    event: httpApiEvent(bodiesFor('clientRead', world, 'confide')[index % CASELOAD_SIZE] ?? '', {
      headers: { authorization: `Bearer ${world.workerToken}` },
      userAgent: 'bench',
    }),
    expect: '"serviceUser":{',
  });
  const helloProbe = {
    node: node.path,
    bundlePath: hello.path,
    env: initEnv,
    event: httpApiEvent('{"query":"{ hello }"}', { userAgent: 'bench' }),
    expect: '"hello":"world"',
  };
  // Profiles (when asked for) of the counted processes only, not of the warm-ups.
  const profiled = (probe: InitProbe, name: string): InitProbe =>
    cpuProfileDir ? { ...probe, cpuProfileDir: join(cpuProfileDir, name) } : probe;
  await measureInit(apiProbe(0)); // file-system cache warm-up, not counted
  await measureInit(helloProbe);
  const apiInits: InitSample[] = [];
  const helloInits: InitSample[] = [];
  for (let index = 0; index < runs; index++) {
    for (const first of order(index)) {
      if (first === 'confide') apiInits.push(await measureInit(profiled(apiProbe(index + 1), 'api')));
      else helloInits.push(await measureInit(profiled(helloProbe, 'hello')));
    }
  }
  log(
    `  api ${median(apiInits.map((s) => s.totalMs)).toFixed(0)} ms, hello ${median(helloInits.map((s) => s.totalMs)).toFixed(0)} ms (Node ${node.version})`,
  );
  return { node: node.version, nodeOptions, api, hello, apiInits, helloInits };
}

// ---------------------------------------------------------------------------------------------------------------
// The report.

interface Measured {
  readonly capacity: Record<Operation, Capacity>;
  readonly oneAtATime: Record<Operation, Record<ServerName, OneAtATime>>;
  readonly underLoad: Record<Operation, Record<ServerName, UnderLoad>>;
  readonly replayed: Record<Operation, Replayed>;
  readonly cold: Cold;
  readonly smallP50: Spread;
  readonly largeP50: Spread;
  readonly seeding: ScaleSeeding;
  readonly keyCacheMinutes: number;
  readonly seconds: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const fixed = (digits: number) => (value: number) => value.toFixed(digits);
const pct = (value: number) => `${(100 * value).toFixed(0)}%`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const verdict = (met: boolean) => (met ? '**met**' : '**missed**');
const range = (s: Spread, format: (n: number) => string) =>
  `${format(s.median)} (${format(s.min)}–${format(s.max)})`;

/** The api function's configured memory, read from the stack (so a change there changes the cost here). */
function apiMemoryMb(): number {
  const source = readFileSync(join(root, 'infra', 'lib', 'api-stack.ts'), 'utf8');
  const block = source.slice(source.indexOf("'ApiFunction'"));
  return Number(/memorySize:\s*(\d+)/.exec(block)?.[1] ?? 1024);
}

function results(m: Measured): string {
  const lines: string[] = [];
  const push = (...rows: string[]) => lines.push(...rows);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const loads = (values: readonly number[]) => values.map((value) => value.toFixed(1)).join(' / ');
  const initTotal = (samples: InitSample[]) => spread(samples.map((s) => s.totalMs));
  const apiInit = initTotal(m.cold.apiInits);
  const helloInit = initTotal(m.cold.helloInits);
  const initRatio = apiInit.median / helloInit.median;
  const scaleRatio = m.largeP50.median / m.smallP50.median;
  const cpuRatios = OPERATIONS.map((operation) => spread(m.replayed[operation].ratio));
  const kmsUnderLoad = OPERATIONS.reduce((sum, operation) => sum + m.underLoad[operation].confide.kms, 0);
  const loadRequests = OPERATIONS.reduce(
    (sum, operation) => sum + REPEATS * (LOAD.requests[operation] + LOAD.warmupRequests),
    0,
  );
  const caseloadAudit = m.oneAtATime.caseload.confide.auditCriticalShare;
  const caseloadAuditInCalls = m.oneAtATime.caseload.confide.auditShare;

  const memoryMb = apiMemoryMb();
  const costLines: CostLine[] = monthlyCost({
    operations: Object.fromEntries(
      OPERATIONS.map((operation) => [
        operation,
        {
          durationMs: m.oneAtATime[operation].confide.latencyMs.median,
          readUnits: m.capacity[operation].readUnits,
          writeUnits: m.capacity[operation].writeUnits,
        },
      ]),
    ) as Record<Operation, { durationMs: number; readUnits: number; writeUnits: number }>,
    memoryMb,
    kmsPerKeyWindow: 1,
    keyCacheMinutes: m.keyCacheMinutes,
    activeHoursPerDay: 12,
  });
  const total = costLines.reduce((sum, line) => sum + line.dollars, 0);

  push(
    '# Benchmark results',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: Node ${process.version} (cold start: Node ${m.cold.node}), ${availableParallelism()} CPUs (${cpu}),`,
    `DynamoDB Local and the local KMS endpoint on loopback, the load generator in a process of its own. The run took ${m.seconds.toFixed(0)} s;`,
    `the machine's load average (1 / 5 / 15 min) was ${loads(m.loadBefore)} at the start and ${loads(m.loadAfter)} at the end.`,
    `Every figure with a spread is median (min–max) over ${REPEATS} repeats, Confide and the baseline alternating (Confide first in the`,
    'first and third, the baseline first in the second). Counts are exact: the load generator stops by request count and waits for every',
    'answer, each request names its run, and the server charges a run only with the SDK calls of its own finished requests',
    '(bench/served-requests.ts; every run is checked: sent = served, none cut off, no errors).',
    '',
    '## Budgets (DESIGN.md, Performance budgets; issue 18)',
    '',
    '| budget | measured | verdict |',
    '| --- | --- | --- |',
    `| Sequential DynamoDB round trips: client read ≤ 2, note write ≤ 2, caseload of ${CASELOAD_SIZE} ≤ 3 | ${OPERATIONS.map((o) => `${LABEL[o]} ${m.capacity[o].sequential}`).join(', ')} | ${verdict(OPERATIONS.every((o) => m.capacity[o].sequential <= ROUND_TRIP_BUDGET[o] && m.oneAtATime[o].confide.sequential <= ROUND_TRIP_BUDGET[o]))} |`,
    `| API CPU per request, replayed, ≤ 1.5× the same-I/O baseline for each | ${OPERATIONS.map((o, i) => `${LABEL[o]} ${range(cpuRatios[i] as Spread, (n) => `${n.toFixed(2)}×`)}`).join(', ')} | ${verdict(cpuRatios.every((r) => r.median <= 1.5))} |`,
    `| Audit write of a caseload of ${CASELOAD_SIZE}: ≤ 60 WCU and ≤ 10% of its latency on its critical path (decision 0054) | ${m.capacity.caseload.auditWriteUnits.toFixed(0)} WCU; ${range(caseloadAudit, pct)} of the latency on the critical path (${range(caseloadAuditInCalls, pct)} in audit calls) | ${verdict(m.capacity.caseload.auditWriteUnits <= 60 && caseloadAudit.median <= 0.1)} |`,
    `| Cold start on Node 22: import + schema + first authenticated read ≤ 2.0× a yoga + Pothos hello | ${range(apiInit, ms)} vs ${range(helloInit, ms)}: ${initRatio.toFixed(2)}× | ${verdict(initRatio <= 2)} |`,
    `| KMS in steady state: ≤ 1 request per organisation per process per key-cache window | ${kmsUnderLoad} KMS requests in ${loadRequests.toLocaleString('en-GB')} requests under load (1 organisation, warm process) | ${verdict(kmsUnderLoad <= 1)} |`,
    `| The api bundle is minified ESM of at most 1.2 MB | ${kb(m.cold.api.bytes)} (+ ${kb(m.cold.api.mapBytes)} source map) | ${verdict(m.cold.api.bytes <= 1.2 * 1024 * 1024)} |`,
    `| Scale: client read p50 grows ≤ 1.5× from 1 organisation / ${SMALL_CLIENTS} clients to ${SCALE_ORGS} / ${SCALE_CLIENTS.toLocaleString('en-GB')} | ${range(m.smallP50, ms)} → ${range(m.largeP50, ms)}: ${scaleRatio.toFixed(2)}× | ${verdict(scaleRatio <= 1.5)} |`,
    `| Audit: at most 2 transactional write calls per request, a list read's entries beside them (decision 0042) | under load ${OPERATIONS.map((o) => `${LABEL[o]} ${range(spread(m.underLoad[o].confide.auditTransactionsPerRequest), fixed(2))}`).join(', ')} | ${verdict(OPERATIONS.every((o) => Math.max(...m.underLoad[o].confide.auditTransactionsPerRequest) <= 2))} |`,
    '',
    `The audit budget's third part, "who looked at this person" per subject, is a property of the audit design checked by the`,
    'audit tests, not by this benchmark.',
    '',
    `## One request at a time (${OPERATIONS.map((o) => `${LABEL[o]} ${ONE_AT_A_TIME[o]}`).join(', ')} requests per repeat and server)`,
    '',
    '| operation | server | server latency, median | sequential DynamoDB round trips | calls per request | audit share of latency: on the critical path / in audit calls |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const operation of OPERATIONS) {
    for (const name of ['confide', 'baseline'] as const) {
      const figure = m.oneAtATime[operation][name];
      const calls = Object.entries(figure.callsByOperation)
        .map(([key, count]) => `${key.replace('DynamoDB.', '')} ${fixed(count % 1 ? 2 : 0)(count)}`)
        .join(', ');
      push(
        `| ${LABEL[operation]} | ${name === 'confide' ? 'Confide' : 'same-I/O baseline'} | ${range(figure.latencyMs, ms)} | ${figure.sequential} | ${calls} | ${range(figure.auditCriticalShare, pct)} / ${range(figure.auditShare, pct)} |`,
      );
    }
  }
  push(
    '',
    'Server latency is from the request reaching the server to its response written. Round trips are the longest chain of',
    'DynamoDB calls made one after another (`sequentialRoundTrips`: calls in flight together count once), the worst request',
    'of all repeats. Audit share, over the request latency, median per repeat (bench/audit-share.ts, decision 0054): on the critical',
    'path, the time an audit write call was in flight and no other DynamoDB call of the request was (an upper bound of the',
    'time the response waited for its audit: the request’s own CPU work is not seen, so an audit call in flight while it',
    'computed counts); in audit calls, the time any write call carrying audit events was in flight, whatever else ran (the',
    'measure before decision 0054). A note write’s one transaction carries the note too.',
    '',
    'Per-call timeline of a typical Confide request (the request of median latency; calls with the same step overlap,',
    'a higher step waited for a lower one):',
    '',
  );
  for (const operation of OPERATIONS) {
    push(`- **${LABEL[operation]}**: ${m.oneAtATime[operation].confide.timeline}`);
    push(`- ${LABEL[operation]}, baseline: ${m.oneAtATime[operation].baseline.timeline}`);
  }
  push(
    '',
    `## Capacity units per operation (one request at a time, median of ${CAPACITY_REQUESTS})`,
    '',
    '| operation | read units | write units | of which audit writes | DynamoDB attempts (bench attribution / api counters) |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const operation of OPERATIONS) {
    const c = m.capacity[operation];
    push(
      `| ${LABEL[operation]} | ${c.readUnits.toFixed(1)} | ${c.writeUnits.toFixed(1)} | ${c.auditWriteUnits.toFixed(1)} | ${c.dynamoAttempts} / ${c.countersAttempts} |`,
    );
  }
  push(
    '',
    'As AWS would charge them, computed from the items written and read (bench/capacity-units.ts: transactional',
    'writes count twice, each index an item is projected into once more, updates and deletes at their 1 KB lower',
    'bound): DynamoDB Local’s own figures are not what AWS charges. The two attempt counts agree when the',
    'attribution is exact.',
    '',
    '## API CPU per request, network replayed (through the Lambda adapter)',
    '',
    '| operation | Confide CPU | baseline CPU | ratio | GC share of CPU (Confide / baseline) | heap used after (Confide / baseline) |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const operation of OPERATIONS) {
    const r = m.replayed[operation];
    push(
      `| ${LABEL[operation]} | ${range(spread(r.cpuMs.confide), fixed(2))} ms | ${range(spread(r.cpuMs.baseline), fixed(2))} ms | ${range(spread(r.ratio), (n) => `${n.toFixed(2)}×`)} | ${range(spread(r.gcShare.confide), pct)} / ${range(spread(r.gcShare.baseline), pct)} | ${median(r.heapMb.confide).toFixed(0)} / ${median(r.heapMb.baseline).toFixed(0)} MB |`,
    );
  }
  push(
    '',
    `Each request goes through \`handleHttpApiEvent\` (services/api/src/lambda-adapter.ts) as an HTTP API v2 event; the`,
    'DynamoDB and KMS clients answer from responses recorded once from the local stack (bench/recorded-transport.ts), so',
    `no time is spent on the network or in DynamoDB Local. ${REPLAYED.requests.clientRead} / ${REPLAYED.requests.caseload} / ${REPLAYED.requests.noteWrite} requests per repeat after ${REPLAYED.warmup.clientRead} / ${REPLAYED.warmup.caseload} / ${REPLAYED.warmup.noteWrite} warm-up requests;`,
    'CPU is `process.cpuUsage()` of the bench process over them; GC share is the time of `gc` performance entries over that CPU.',
    'The baseline (bench/same-io-server.ts) makes the same reads (login items, subject keys, records) and one audit write,',
    'and does none of the checks: no JWT verification, integrity checks, access rules, key unwrapping or decryption.',
    '',
    `## Under load (${LOAD.connections} connections, ${LOAD.warmupRequests} warm-up requests, then ${OPERATIONS.map((o) => `${LABEL[o]} ${LOAD.requests[o]}`).join(', ')} requests per repeat)`,
    '',
    '| operation | server | req/s | p50 | p99 (pooled) | bench process CPU per request | DynamoDB calls per request | audit write calls per request |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const operation of OPERATIONS) {
    for (const name of ['confide', 'baseline'] as const) {
      const u = m.underLoad[operation][name];
      const p99 =
        u.latencies.length >= P99_MIN_SAMPLES
          ? `${ms(percentile(u.latencies, 99))} (n = ${u.latencies.length})`
          : `– (n = ${u.latencies.length} < ${P99_MIN_SAMPLES})`;
      push(
        `| ${LABEL[operation]} | ${name === 'confide' ? 'Confide' : 'same-I/O baseline'} | ${range(spread(u.rps), fixed(0))} | ${range(spread(u.p50), ms)} | ${p99} | ${range(spread(u.cpuMsPerRequest), fixed(1))} ms | ${range(spread(u.dynamoPerRequest), fixed(2))} | ${range(spread(u.auditPerRequest), fixed(2))} |`,
      );
    }
  }
  push(
    '',
    'Throughput here is bounded by DynamoDB Local (one Java process on the same cores), not by the API: it is reported, not',
    'budgeted. Bench process CPU includes the HTTP server and the SDK, not DynamoDB Local nor the load generator.',
    '',
    `## Cold start (Node ${m.cold.node}, NODE_OPTIONS \`${m.cold.nodeOptions || '(none)'}\` as the Lambda construct sets; ${INIT_RUNS} fresh processes per bundle, alternating)`,
    '',
    '| bundle | size | source map | import (incl. schema build) | first request | init total | process CPU |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| api (services/api/src/handler.ts), first request an authenticated client read | ${kb(m.cold.api.bytes)} | ${kb(m.cold.api.mapBytes)} | ${range(spread(m.cold.apiInits.map((s) => s.importMs)), ms)} | ${range(spread(m.cold.apiInits.map((s) => s.firstRequestMs)), ms)} | ${range(apiInit, ms)} | ${range(spread(m.cold.apiInits.map((s) => s.cpuMs)), ms)} |`,
    `| yoga + Pothos hello (bench/hello-handler.ts), first request \`{ hello }\` | ${kb(m.cold.hello.bytes)} | ${kb(m.cold.hello.mapBytes)} | ${range(spread(m.cold.helloInits.map((s) => s.importMs)), ms)} | ${range(spread(m.cold.helloInits.map((s) => s.firstRequestMs)), ms)} | ${range(helloInit, ms)} | ${range(spread(m.cold.helloInits.map((s) => s.cpuMs)), ms)} |`,
    '',
    "Both bundles are built by infra/lib/lambda-bundling.ts's buildLambdaBundle (the options CDK uses). The api's first",
    'request carries a real token from the local issuer: it fetches the JWKS, opens the first DynamoDB and KMS connections',
    'and loads the keys, against the local stack on loopback (AWS adds its network latency on top).',
    '',
    `## Scale (client read one at a time, ${SCALE_REQUESTS} requests per repeat)`,
    '',
    `| data set | p50 |`,
    '| --- | --- |',
    `| 1 organisation / ${SMALL_CLIENTS} clients | ${range(m.smallP50, ms)} |`,
    `| ${m.seeding.organisations} organisations / ${m.seeding.clients.toLocaleString('en-GB')} clients | ${range(m.largeP50, ms)} |`,
    '',
    `Seeding took ${m.seeding.seconds.toFixed(0)} s: ${m.seeding.organisations - 1} organisations onboarded for real, each with one client registered`,
    `through the store (${m.seeding.throughStores}); the other ${m.seeding.copied.toLocaleString('en-GB')} clients are BatchWriteItem copies of that client's profile item with new ids,`,
    're-sealed under its subject key (table volume, not read through the API).',
    '',
    `## Affordability: a small charity (20 staff, 200 clients, 5,000 requests a day)`,
    '',
    `Mix assumed: ${Object.entries(REQUEST_MIX)
      .map(([o, share]) => `${LABEL[o as Operation]} ${pct(share)}`)
      .join(', ')}. Lambda duration: the measured one-request-at-a-time`,
    `server latency of each operation (on DynamoDB Local: AWS latency differs) at the api's configured ${memoryMb} MB (arm64). DynamoDB`,
    'units: the measured capacity per operation. **Prices are eu-west-2 list prices as assumed in bench/cost.ts, not fetched from',
    'AWS: check them before quoting.**',
    '',
    '| item | basis | USD / month |',
    '| --- | --- | --- |',
    ...costLines.map((line) => `| ${line.item} | ${line.basis} | ${line.dollars.toFixed(2)} |`),
    `| **total** | | **${total.toFixed(2)}** |`,
    '',
  );
  return lines.join('\n');
}

await main();
process.exit(0);
