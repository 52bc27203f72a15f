import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildLambdaBundle } from '../infra/lib/lambda-bundling';

/**
 * Cold start on the Lambda's Node major (22): bundles a Lambda entry with buildLambdaBundle (the options CDK gets
 * from infra/lib/lambda-bundling.ts), then measures, in fresh Node 22 processes, the import (module evaluation,
 * schema build) and the first invocation. For the api the first invocation is an authenticated client read with a
 * real token: the JWKS fetch, the first DynamoDB and KMS connections and the key loads are in it.
 */

const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

export interface Bundle {
  readonly path: string;
  readonly bytes: number;
  readonly mapBytes: number;
}

export async function bundle(entry: string, outDir: string): Promise<Bundle> {
  const { path, bytes, mapBytes } = await buildLambdaBundle(entry, outDir);
  return { path, bytes, mapBytes };
}

/**
 * The official Node 22 binary, from the npm registry (`node-linux-<arch>@22`), cached under the OS temp folder so
 * that later runs reuse it.
 */
export async function node22(): Promise<{ path: string; version: string }> {
  const dir = join(tmpdir(), 'confide-bench-node22');
  const path = join(dir, 'package', 'bin', 'node');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const { stdout } = await run('npm', ['pack', `node-linux-${process.arch}@22`, '--silent'], { cwd: dir });
    const tarball = stdout.trim().split('\n').pop() ?? '';
    await run('tar', ['-xzf', tarball, 'package/bin/node'], { cwd: dir });
  }
  const { stdout } = await run(path, ['--version']);
  return { path, version: stdout.trim() };
}

/** The NODE_OPTIONS the Lambda construct sets (read from its source, so a change there is measured here). */
export function lambdaNodeOptions(): string {
  const source = readFileSync(join(here, '..', 'infra', 'constructs', 'confide-function.ts'), 'utf8');
  return /NODE_OPTIONS:\s*'([^']*)'/.exec(source)?.[1] ?? '';
}

export interface InitSample {
  /** `import()` of the bundle: module evaluation, including the schema build at module level. */
  readonly importMs: number;
  /** The first invocation, answered. */
  readonly firstRequestMs: number;
  readonly totalMs: number;
  /** CPU time (user + system) of the whole process at the first answer, Node's own start-up included. */
  readonly cpuMs: number;
  /** CPU time spent during the import, and during the first invocation. */
  readonly importCpuMs: number;
  readonly firstRequestCpuMs: number;
}

function probeScript(bundlePath: string, event: unknown, expect: string): string {
  return `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const c0 = cpu();
const t0 = performance.now();
const { handler } = await import(${JSON.stringify(pathToFileURL(bundlePath).href)});
const t1 = performance.now();
const c1 = cpu();
const result = await handler(${JSON.stringify(event)}, { awsRequestId: 'bench', functionName: 'bench' });
const t2 = performance.now();
const c2 = cpu();
if (result.statusCode !== 200 || result.body.includes('"errors"') || !result.body.includes(${JSON.stringify(expect)})) {
  throw new Error('Unexpected first response: ' + result.statusCode + ' ' + result.body.slice(0, 300));
}
process.stdout.write('BENCH_INIT ' + JSON.stringify({ importMs: t1 - t0, firstRequestMs: t2 - t1, totalMs: t2 - t0, cpuMs: c2, importCpuMs: c1 - c0, firstRequestCpuMs: c2 - c1 }) + '\\n');
`;
}

export interface InitProbe {
  readonly node: string;
  readonly bundlePath: string;
  readonly env: Record<string, string>;
  /** The first invocation's event, and a string its answer must contain. */
  readonly event: unknown;
  readonly expect: string;
  /** A folder to write the process's V8 CPU profile to (`--cpu-prof`), when profiling. */
  readonly cpuProfileDir?: string;
}

/** One fresh process: import + first invocation. */
export function measureInit(probe: InitProbe): Promise<InitSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      probe.node,
      [
        ...(probe.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', probe.cpuProfileDir] : []),
        '--input-type=module',
        '-e',
        probeScript(probe.bundlePath, probe.event, probe.expect),
      ],
      { env: { PATH: process.env.PATH ?? '', ...probe.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = output.split('\n').find((entry) => entry.startsWith('BENCH_INIT '));
      if (code !== 0 || !line) {
        reject(new Error(`Init probe of ${probe.bundlePath} failed (${code}): ${errors.slice(-1500)}`));
        return;
      }
      resolve(JSON.parse(line.slice('BENCH_INIT '.length)) as InitSample);
    });
  });
}
