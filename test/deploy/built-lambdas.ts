import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { buildLambdaBundle, type LambdaBundle } from '../../infra/lib/lambda-bundling';
import { fromRepoRoot } from '../../infra/lib/paths';
import { httpApiEvent } from '../support/http-api-event';

/** The Lambda entry points the CDK app deploys (`services/<name>/src/handler.ts`). */
export const lambdaServices = ['api', 'provisioner', 'retention', 'pre-token'] as const;
export type LambdaService = (typeof lambdaServices)[number];

/** Bundles built as CDK builds them, in a temporary folder outside the repository. */
export interface BuiltLambdas {
  readonly bundles: Readonly<Record<LambdaService, LambdaBundle>>;
  remove(): void;
}

/**
 * Builds every function once, concurrently, with the CDK bundling options (`infra/lib/lambda-bundling.ts`). The
 * folder is outside the repository, so that a bundle cannot resolve a missing dependency from its node_modules.
 */
export async function buildLambdas(): Promise<BuiltLambdas> {
  const dir = mkdtempSync(join(tmpdir(), 'confide-lambdas-'));
  const built = await Promise.all(
    lambdaServices.map(
      async (service) =>
        [
          service,
          await buildLambdaBundle(fromRepoRoot(`services/${service}/src/handler.ts`), join(dir, service)),
        ] as const,
    ),
  );
  return {
    bundles: Object.fromEntries(built) as Record<LambdaService, LambdaBundle>,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What one invocation gave: the handler's answer, or the error it threw. */
export type InvocationResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string };

/** A run of the driver: one result per event, and everything the process wrote (its logs). */
export interface BundleRun {
  readonly results: InvocationResult[];
  readonly output: string;
}

const driver = join(dirname(fileURLToPath(import.meta.url)), 'lambda-driver.mjs');
const RESULTS_MARKER = 'LAMBDA_DRIVER_RESULTS ';
let runs = 0;

/**
 * Loads a built bundle in a fresh `node` process (no tsx, no vitest, working directory beside the bundle) with
 * only the given environment and `PATH`, as Lambda would (no `NODE_OPTIONS`, source maps off, as in the deployed
 * functions: decision 0038), and invokes its handler with each event in turn.
 */
export function runBundle(
  bundle: LambdaBundle,
  events: readonly unknown[],
  env: Readonly<Record<string, string>>,
): Promise<BundleRun> {
  runs += 1;
  const eventsFile = join(dirname(bundle.path), `events-${process.pid}-${runs}.json`);
  writeFileSync(eventsFile, JSON.stringify(events));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [driver, bundle.path, eventsFile], {
      cwd: dirname(bundle.path),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    // 'close', not 'exit': the results line may still be in the pipe when the process exits.
    child.once('close', (code) => {
      rmSync(eventsFile, { force: true });
      const marker = output.lastIndexOf(RESULTS_MARKER);
      if (code !== 0 || marker < 0) {
        reject(
          new Error(`The bundle ${bundle.path} could not be run (exit ${code}):\n${output.slice(-3000)}`),
        );
        return;
      }
      // The results are the marker's own line: a handler's late log line (an unawaited write) may follow it.
      const start = marker + RESULTS_MARKER.length;
      const end = output.indexOf('\n', start);
      try {
        const results = JSON.parse(output.slice(start, end < 0 ? undefined : end)) as InvocationResult[];
        resolve({ results, output: output.slice(0, marker) + (end < 0 ? '' : output.slice(end + 1)) });
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A real-shaped API Gateway HTTP API (payload v2) event: `POST /graphql`, base64 body, as API Gateway sends it. */
export function graphqlEvent(
  query: string,
  options: { variables?: Record<string, unknown>; token?: string; requestId?: string } = {},
): APIGatewayProxyEventV2 {
  const body = JSON.stringify({ query, variables: options.variables ?? {} });
  const requestId = options.requestId ?? `req-${Math.random().toString(36).slice(2, 10)}`;
  return httpApiEvent(body, {
    headers: {
      accept: 'application/graphql-response+json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    requestId,
    userAgent: 'built-artifact-test',
  });
}

/** A GraphQL answer out of an api invocation's result. */
export interface GraphqlAnswer<D> {
  readonly statusCode: number;
  readonly data: D | null | undefined;
  readonly codes: unknown[];
}

/** Reads an api invocation's result (`{ statusCode, body }`) as a GraphQL answer; throws if the handler threw. */
export function graphqlAnswer<D = Record<string, unknown>>(
  result: InvocationResult | undefined,
): GraphqlAnswer<D> {
  if (!result?.ok) throw new Error(`The api handler failed: ${JSON.stringify(result)}`);
  const { statusCode, body } = result.value as { statusCode: number; body: string };
  const parsed = JSON.parse(body) as { data?: D | null; errors?: { extensions?: { code?: unknown } }[] };
  return {
    statusCode,
    data: parsed.data,
    codes: (parsed.errors ?? []).map((error) => error.extensions?.code),
  };
}
