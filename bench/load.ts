import autocannon from 'autocannon';

/**
 * The load generator, run in a child process of its own so that it does not share an event loop with the
 * servers it measures. Reads one JSON job from argv, warms up, measures, prints one JSON line.
 */

export interface LoadJob {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Request bodies, used in turn (e.g. one note write per client). */
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Requests sent during the warm-up (not in the figures above). */
  readonly warmupTotal: number;
}

async function drive(job: LoadJob, seconds: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: job.url,
    connections: job.connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...job.headers },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const body = job.bodies[next % job.bodies.length] ?? '';
          next++;
          return { ...request, body };
        },
      },
    ],
  });
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
const warmup = job.warmupSeconds > 0 ? await drive(job, job.warmupSeconds) : undefined;
const result = await drive(job, job.durationSeconds);
const output: LoadResult = {
  requestsPerSecond: result.requests.average,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  meanMs: result.latency.average,
  total: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  warmupTotal: warmup?.requests.total ?? 0,
};
process.stdout.write(`BENCH_LOAD ${JSON.stringify(output)}\n`);
