import { execFile } from 'node:child_process';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The load generator. It stops by request count, not by time: it sends exactly `warmupRequests`, waits for every
 * one of them to be answered, then sends exactly `requests` and waits for every answer. No connection is closed
 * while a request is on it, so the server never works on a request nobody counts (issue 18, "phantom requests").
 * Every request names its run (`x-bench-run`: `<run>` for measured requests, `<run>:warmup` for the warm-up) so that
 * the server side can tally each phase on its own (served-requests.ts).
 */

export interface LoadJob {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Request bodies, used in turn (e.g. one note write per client). */
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly warmupRequests: number;
  readonly requests: number;
  /** The run id every measured request carries in `x-bench-run`. */
  readonly run: string;
}

export interface LoadResult {
  /** Requests answered in the measured phase (always `job.requests` unless the generator failed). */
  readonly requests: number;
  readonly warmupRequests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  /** Every measured request's latency, ms, in the order sent. */
  readonly latenciesMs: readonly number[];
  readonly non2xx: number;
  readonly errors: number;
}

/**
 * The header naming a request's run. Defined here, on the sending side, so that the generator's process imports
 * nothing but Node: through served-requests.ts it loaded the SDK and the local stack, 2.5 CPU-seconds for each
 * child started.
 */
export const RUN_HEADER = 'x-bench-run';

export const warmupRun = (run: string) => `${run}:warmup`;

async function phase(
  job: LoadJob,
  run: string,
  count: number,
): Promise<{ latencies: number[]; non2xx: number; errors: number; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.url);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let next = 0;
  const send = (body: string) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...job.headers,
            [RUN_HEADER]: run,
          },
        },
        (res) => {
          res.resume();
          res.once('end', () => {
            latencies.push(performance.now() - started);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx++;
            resolve();
          });
          res.once('error', () => {
            errors++;
            resolve();
          });
        },
      );
      req.once('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(job.connections, count) }, async () => {
      for (let index = next++; index < count; index = next++) {
        await send(job.bodies[index % job.bodies.length] ?? '');
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, non2xx, errors, seconds };
}

/** Runs a job in this process: warm-up, then the measured requests, each phase answered in full before the next. */
export async function generateLoad(job: LoadJob): Promise<LoadResult> {
  const warmup =
    job.warmupRequests > 0 ? await phase(job, warmupRun(job.run), job.warmupRequests) : undefined;
  const measured = await phase(job, job.run, job.requests);
  return {
    requests: measured.latencies.length,
    warmupRequests: warmup?.latencies.length ?? 0,
    seconds: measured.seconds,
    requestsPerSecond: measured.latencies.length / measured.seconds,
    latenciesMs: measured.latencies,
    non2xx: measured.non2xx + (warmup?.non2xx ?? 0),
    errors: measured.errors + (warmup?.errors ?? 0),
  };
}

const here = dirname(fileURLToPath(import.meta.url));

/** Runs a job in a child process of its own, so that it does not share an event loop with the servers it measures. */
export async function load(job: LoadJob): Promise<LoadResult> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(here, 'load.ts'), JSON.stringify(job)],
    { cwd: join(here, '..'), maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60 * 1000 },
  );
  const line = stdout.split('\n').find((entry) => entry.startsWith('BENCH_LOAD '));
  if (!line) throw new Error(`The load generator printed no result:\n${stdout.slice(-1000)}`);
  return JSON.parse(line.slice('BENCH_LOAD '.length)) as LoadResult;
}
