import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';

/**
 * How every Confide Lambda is bundled, in the terms of CDK's `NodejsFunction` bundling options. The one source of
 * these options: `ConfideFunction` hands them to CDK, and {@link lambdaEsbuildOptions} translates them for
 * esbuild's JS API, so that tests (`test/deploy/built-artifacts.test.ts`) and benchmarks (`bench/`) load the bundle
 * CDK would ship. No CDK import here, so that those can use it without loading `aws-cdk-lib`.
 */
export const lambdaBundling = {
  format: 'esm',
  minify: true,
  // No source map in the asset, and no `--enable-source-maps` in the functions' NODE_OPTIONS: with it Node parses
  // the whole map at import and hooks every stack trace (about 15 ms of each api cold start, decision 0038). The
  // build is deterministic, so the map of a deployed bundle is rebuilt offline from its commit
  // ({@link buildLambdaBundle} writes it beside `index.mjs`) to symbolicate a logged stack trace.
  sourceMap: false,
  // Symbolication needs file and line, not the original sources: a map without them is a third of the size.
  sourcesContent: false,
  target: 'node22',
  mainFields: ['module', 'main'],
  // ESM output cannot `require`, but bundled CommonJS dependencies do (e.g. `require('node:buffer')`).
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // Bundle the AWS SDK rather than use the runtime's copy (the default for Node 18+), so that the SDK version is
  // the one in package-lock.json, tested locally, and does not change under a deployed function when AWS updates
  // the runtime.
  externalModules: [] as string[],
  // graphql-armor's CommonJS build requires `graphql/language/parser`, which (graphql 16 has no exports map)
  // resolves to graphql's CommonJS files: a second copy of the parser, lexer and errors beside the ESM build
  // everything else uses. Pointing that path at the ESM file keeps one copy (~43 KB less; decision 0009).
  //
  // The SDK's default credential chain is replaced by the environment provider Lambda needs (lambda-credentials.ts),
  // the event-stream serde by a stand-in that refuses (no-event-streams.ts), lru-cache by a small one (decision 0043),
  // and @whatwg-node/fetch by the runtime's own fetch classes (runtime-fetch.ts, decision 0110).
  // A relative alias resolves in esbuild's working directory: the repository root, for CDK and for the tests.
  alias: {
    'graphql/language/parser': 'graphql/language/parser.mjs',
    '@aws-sdk/credential-provider-node': './infra/lib/lambda-credentials.ts',
    // yoga's parse cache uses only get/set of lru-cache: the same contract in 40 lines (small-lru-cache.ts, 16 KB less).
    'lru-cache': './infra/lib/small-lru-cache.ts',
    // The DynamoDB client's endpoint-discovery cache (never on) uses mnemonist's LRU: a Map (small-endpoint-lru.ts, 6 KB less).
    'mnemonist/lru-cache': './infra/lib/small-endpoint-lru.ts',
    // Event-stream serde, for operations none of the functions calls: a stand-in that refuses (no-event-streams.ts,
    // 15 KB less).
    '@smithy/core/event-streams': './infra/lib/no-event-streams.ts',
    // The SDK's SHA-256 as its native class alone, without the pure-JavaScript fallback Lambda's Node never takes
    // (native-checksum.ts, about 3 KB less).
    '@smithy/core/checksum': './infra/lib/native-checksum.ts',
    // The runtime's own fetch classes instead of @whatwg-node/node-fetch's, with its multipart parser, its tslib and
    // the URLPattern polyfill (runtime-fetch.ts, decision 0110: about 56 KB less).
    '@whatwg-node/fetch': './infra/lib/runtime-fetch.ts',
  } as Record<string, string>,
} as const;

/** The file CDK writes an ESM bundle to (and the Lambda handler `index.handler` loads). */
export const LAMBDA_BUNDLE_FILE = 'index.mjs';

/**
 * {@link lambdaBundling} as esbuild JS API options: what CDK's local bundling passes on the esbuild command line
 * (`aws-lambda-nodejs` `Bundling.buildEsbuildArgs`: `--bundle <entry> --target=… --platform=node --format=…
 * --outfile=<out>/index.mjs --minify --external:… --banner:js=… --main-fields=…`), so that the same entry gives
 * the same `index.mjs` (`infra/test/api-bundle.test.ts` compares them byte for byte). One addition CDK does not
 * ship: an external source map beside it for offline symbolication; esbuild's `external` mode writes the map
 * without a `sourceMappingURL` comment, so `index.mjs` is unchanged by it.
 *
 * @param entry - absolute path of the handler module.
 * @param outDir - folder to write `index.mjs` and its source map to.
 */
export function lambdaEsbuildOptions(entry: string, outDir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: lambdaBundling.target,
    format: lambdaBundling.format,
    outfile: join(outDir, LAMBDA_BUNDLE_FILE),
    minify: lambdaBundling.minify,
    sourcemap: lambdaBundling.sourceMap ? true : 'external',
    sourcesContent: lambdaBundling.sourcesContent,
    external: [...lambdaBundling.externalModules],
    banner: { js: lambdaBundling.banner },
    mainFields: [...lambdaBundling.mainFields],
    alias: { ...lambdaBundling.alias },
  };
}

/** A bundle built by {@link buildLambdaBundle}. */
export interface LambdaBundle {
  /** Absolute path of `index.mjs`. */
  readonly path: string;
  /** Size of `index.mjs` in bytes. */
  readonly bytes: number;
  /** Size of its source map in bytes (written for offline symbolication, not shipped: {@link lambdaBundling}). */
  readonly mapBytes: number;
  /** esbuild's record of what went into the bundle (for size breakdowns). */
  readonly metafile: Metafile;
}

/**
 * Builds a Lambda bundle as CDK would ({@link lambdaEsbuildOptions}) with esbuild's JS API. esbuild is loaded
 * only here, so that the CDK app, which imports this module for {@link lambdaBundling}, never loads it.
 */
export async function buildLambdaBundle(entry: string, outDir: string): Promise<LambdaBundle> {
  const { build } = await import('esbuild');
  const result = await build({ ...lambdaEsbuildOptions(entry, outDir), logLevel: 'silent', metafile: true });
  const path = join(outDir, LAMBDA_BUNDLE_FILE);
  return {
    path,
    bytes: statSync(path).size,
    mapBytes: statSync(`${path}.map`).size,
    metafile: result.metafile,
  };
}
