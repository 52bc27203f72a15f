import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { buildLambdaBundle } from '../infra/lib/lambda-bundling';

/**
 * Cold start: bundles a Lambda entry with the esbuild options CDK's NodejsFunction gets from
 * infra/lib/lambda-bundling.ts (ESM, minified, source map, node22, module-first main fields, the createRequire
 * banner, nothing external), then measures its init in fresh Node processes.
 */

export interface Bundle {
  readonly path: string;
  readonly bytes: number;
  readonly mapBytes: number;
  /** Bytes of graphql's CommonJS files in the bundle: a second copy beside the ESM one. */
  readonly duplicateGraphqlBytes: number;
}

export async function bundle(entry: string, outDir: string): Promise<Bundle> {
  const { path, bytes, mapBytes, metafile } = await buildLambdaBundle(entry, outDir);
  const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint);
  const duplicateGraphqlBytes = Object.entries(output?.inputs ?? {})
    .filter(([file]) => /node_modules\/graphql\/.*\.js$/.test(file))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return { path, bytes, mapBytes, duplicateGraphqlBytes };
}

export interface InitSample {
  /** `import()` of the bundle: module evaluation, including the schema build at module level. */
  readonly importMs: number;
  /** The first invocation: yoga and SDK clients created, one `{ __typename }` request answered. */
  readonly firstRequestMs: number;
  readonly totalMs: number;
}

/** A real-shaped API Gateway HTTP API (v2) event carrying `{ __typename }`, no token (no network needed). */
const EVENT_SOURCE = `{
  version: '2.0', routeKey: 'POST /graphql', rawPath: '/graphql', rawQueryString: '',
  headers: { host: 'abc123.execute-api.eu-west-2.amazonaws.com', 'content-type': 'application/json' },
  requestContext: { accountId: '123456789012', apiId: 'abc123', domainName: 'abc123.execute-api.eu-west-2.amazonaws.com',
    domainPrefix: 'abc123', http: { method: 'POST', path: '/graphql', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9',
    userAgent: 'bench' }, requestId: 'bench-1', routeKey: 'POST /graphql', stage: '$default',
    time: '22/Nov/2026:09:00:00 +0000', timeEpoch: 1795338000000 },
  body: Buffer.from(JSON.stringify({ query: '{ __typename }' })).toString('base64'), isBase64Encoded: true,
}`;

function probeScript(bundlePath: string): string {
  return `
const t0 = performance.now();
const { handler } = await import(${JSON.stringify(pathToFileURL(bundlePath).href)});
const t1 = performance.now();
const result = await handler(${EVENT_SOURCE}, { awsRequestId: 'bench', functionName: 'bench' });
const t2 = performance.now();
if (result.statusCode !== 200 || !result.body.includes('"__typename":"Query"')) {
  throw new Error('Unexpected first response: ' + result.statusCode + ' ' + result.body.slice(0, 300));
}
process.stdout.write('BENCH_INIT ' + JSON.stringify({ importMs: t1 - t0, firstRequestMs: t2 - t1, totalMs: t2 - t0 }) + '\\n');
`;
}

/** One fresh process (Lambda's NODE_OPTIONS, --enable-source-maps, for both bundles): import + first request. */
export function measureInit(bundlePath: string, env: Record<string, string>): Promise<InitSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', probeScript(bundlePath)],
      {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
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
    child.once('exit', (code) => {
      const line = output.split('\n').find((entry) => entry.startsWith('BENCH_INIT '));
      if (code !== 0 || !line) {
        reject(new Error(`Init probe of ${bundlePath} failed (${code}): ${errors.slice(-1500)}`));
        return;
      }
      resolve(JSON.parse(line.slice('BENCH_INIT '.length)) as InitSample);
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
