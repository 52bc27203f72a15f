import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { configFromEnv, createConfideYoga, createServices } from '@confide/api';
import { LOCAL_CREDENTIALS } from '@confide/local';
import { LeanDynamoDBClient } from '@confide/store';
import type { Context } from 'aws-lambda';
import { handleHttpApiEvent } from '../services/api/src/lambda-adapter';
import { httpApiEvent } from '../test/support/http-api-event';
import { bodiesFor, type Operation, order, type ServerName } from './operations';
import { RecordedTransport } from './recorded-transport';
import { createSameIoYoga } from './same-io-server';
import type { SmallWorld } from './world';

/**
 * API CPU per request with the network taken out (issue 18), in a process of its own per operation: audit chain
 * leases are process-wide, and replayed writes advance them without writing, so a process that replayed can never
 * write live again. Run by run.ts as `tsx bench/replayed-cpu.ts <job>`; prints one `BENCH_REPLAYED` JSON line.
 */

/**
 * Requests per repeat, and warm-up requests per server before the first: a process's CPU per request keeps falling
 * for thousands of requests (V8's tiers, the heap's sizing), Confide's and the baseline's alike; after 30 warm-ups a
 * client read's fell from 7.7 to 2.5 ms over the next ten repeats (decision 0060), so the first repeats measured
 * the warming, not a warm Lambda. About eight repeats' worth of warm-up each.
 */
export const REPLAYED = {
  warmup: { clientRead: 3200, caseload: 480, noteWrite: 3200 },
  requests: { clientRead: 400, caseload: 60, noteWrite: 400 },
} as const;

export interface Replayed {
  readonly cpuMs: Record<ServerName, number[]>;
  readonly ratio: number[];
  readonly gcShare: Record<ServerName, number[]>;
  readonly heapMb: Record<ServerName, number[]>;
}

export interface ReplayJob {
  readonly operation: Operation;
  readonly repeats: number;
  readonly world: SmallWorld;
  readonly region: string;
  readonly dynamodbEndpoint: string;
  readonly kmsEndpoint: string;
  /** Where to write a CPU profile of each measured run (`<operation>-<server>-<repeat>.cpuprofile`), if anywhere. */
  readonly profileDir?: string;
}

/** Warm up live, record one request, replay it: CPU per request for Confide and the baseline, alternating. */
export async function replayedCpu(job: ReplayJob): Promise<Replayed> {
  const { operation, world } = job;
  const config = configFromEnv(process.env);
  const transports = {
    confide: new RecordedTransport(),
    kms: new RecordedTransport(),
    baseline: new RecordedTransport(),
  };
  // Confide's own client is the lean one createServices builds (decision 0069); the baseline keeps the SDK's.
  const client = (transport: RecordedTransport, Client: typeof DynamoDBClient = DynamoDBClient) =>
    new Client({
      region: job.region,
      endpoint: job.dynamodbEndpoint,
      credentials: LOCAL_CREDENTIALS,
      requestHandler: transport,
    });
  const kms = new KMSClient({
    region: job.region,
    endpoint: job.kmsEndpoint,
    credentials: LOCAL_CREDENTIALS,
    requestHandler: transports.kms,
  });
  const services = createServices(config, { dynamo: client(transports.confide, LeanDynamoDBClient), kms });
  const servers = {
    confide: createConfideYoga(services),
    baseline: createSameIoYoga({
      dynamo: client(transports.baseline),
      table: config.tables.data,
      orgId: world.orgId,
      staffId: world.workerId,
      externalSubject: world.workerSubject,
      subjectKeyLocation: (subjectId) => services.keys.subjectKeyLocation(world.orgId, subjectId),
    }),
  };
  const headers: Record<ServerName, Record<string, string>> = {
    confide: { authorization: `Bearer ${world.workerToken}` },
    baseline: {},
  };
  const context = { awsRequestId: 'bench', functionName: 'bench' } as Context;
  let sequence = 0;
  const invoke = async (name: ServerName, body: string) => {
    transports[name].rewind();
    transports.kms.rewind();
    const event = httpApiEvent(body, {
      headers: headers[name],
      requestId: `bench-${++sequence}`,
      userAgent: 'bench',
    });
    const result = await handleHttpApiEvent(servers[name], event, context);
    if (result.statusCode !== 200 || result.body?.includes('"errors"')) {
      throw new Error(
        `replayed ${name} (${transports[name].mode}): ${result.statusCode} ${result.body?.slice(0, 300)}`,
      );
    }
  };
  const bodies = {
    confide: bodiesFor(operation, world, 'confide'),
    baseline: bodiesFor(operation, world, 'baseline'),
  };
  // The same request again and again: the recording answers it (writes get fresh ids, not fresh items).
  const bodyOf = (name: ServerName) => bodies[name][2 % bodies[name].length] ?? '';
  for (const name of ['confide', 'baseline'] as const) {
    const transport = transports[name];
    transport.mode = 'live';
    transports.kms.mode = 'live';
    for (const body of bodies[name].slice(0, 2)) await invoke(name, body);
    transport.clear();
    transports.kms.clear();
    transport.mode = 'record';
    transports.kms.mode = 'record';
    await invoke(name, bodyOf(name));
    transport.mode = 'replay';
    transports.kms.mode = 'replay';
    for (let index = 0; index < REPLAYED.warmup[operation]; index++) await invoke(name, bodyOf(name));
  }
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const figures: Replayed = {
    cpuMs: { confide: [], baseline: [] },
    ratio: [],
    gcShare: { confide: [], baseline: [] },
    heapMb: { confide: [], baseline: [] },
  };
  // The measured runs alone, one profile per server and repeat (the whole process's, with --cpu-prof, mixes both
  // servers, the live warm-up and the recording).
  const profiler = job.profileDir ? new Session() : undefined;
  if (job.profileDir) mkdirSync(job.profileDir, { recursive: true });
  profiler?.connect();
  await profiler?.post('Profiler.enable');
  try {
    for (let repeat = 0; repeat < job.repeats; repeat++) {
      for (const name of order(repeat)) {
        const count = REPLAYED.requests[operation];
        const gcBefore = gcMs;
        await profiler?.post('Profiler.start');
        const cpu = process.cpuUsage();
        for (let index = 0; index < count; index++) await invoke(name, bodyOf(name));
        const used = process.cpuUsage(cpu);
        if (profiler && job.profileDir) {
          const { profile } = await profiler.post('Profiler.stop');
          writeFileSync(
            join(job.profileDir, `${operation}-${name}-${repeat + 1}.cpuprofile`),
            JSON.stringify(profile),
          );
        }
        const cpuMs = (used.user + used.system) / 1000;
        figures.cpuMs[name].push(cpuMs / count);
        figures.gcShare[name].push((gcMs - gcBefore) / cpuMs);
        figures.heapMb[name].push(process.memoryUsage().heapUsed / 1024 / 1024);
      }
      figures.ratio.push((figures.cpuMs.confide.at(-1) ?? 0) / (figures.cpuMs.baseline.at(-1) ?? 1));
    }
  } finally {
    observer.disconnect();
    profiler?.disconnect();
  }
  return figures;
}

if (process.argv[1]?.endsWith('replayed-cpu.ts')) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const result = await replayedCpu(JSON.parse(process.argv[2] ?? '{}') as ReplayJob);
  process.stdout.write(`BENCH_REPLAYED ${JSON.stringify(result)}\n`);
  process.exit(0);
}
