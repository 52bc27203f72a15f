import { resolve } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The GraphQL schema is built as its module loads (Pothos registers every type, then `toSchema`): about 0.25 of the
 * 0.6 CPU-seconds a local `confide org list` took. Only the commands that serve or call GraphQL may load it (`start`,
 * and `org offboard`, which runs the offboarding mutation), and those import it where they run. Every other command
 * reaches the api's modules by path (`@confide/api/services`, …), never through its index (decision 0065).
 */

const ROOT = resolve(import.meta.dirname, '../../..');
const SCHEMA = 'packages/api/src/schema/index.ts';

/** What the CLI may import lazily and still load the schema: the local server, and the api's index (offboarding). */
const SERVES_GRAPHQL = new Set(['packages/cli/src/start.ts', 'packages/api/src/index.ts']);

/** Third-party packages stay unresolved: only Confide's own modules matter here, and resolving the rest is slow. */
const onlyConfideModules: Plugin = {
  name: 'only-confide-modules',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@confide/') ? undefined : { path: args.path, external: true },
    );
  },
};

/** The chain of static imports from `from` to `to`, or undefined when `to` is reached only through `import()`. */
function staticChain(metafile: Metafile, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (file === to) {
      const chain = [to];
      while (chain[0] !== from) chain.unshift(previous.get(chain[0] as string) as string);
      return chain;
    }
    for (const imported of metafile.inputs[file]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || previous.has(imported.path)) continue;
      previous.set(imported.path, file);
      queue.push(imported.path);
    }
  }
  return undefined;
}

describe('what a command loads', () => {
  it('reaches the GraphQL schema from no command module but through a lazy import', async () => {
    // Act: resolve every import of the CLI from its entry, as its bundle does (nothing is written).
    const { metafile } = await build({
      absWorkingDir: ROOT,
      entryPoints: ['packages/cli/src/main.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      splitting: true,
      outdir: 'out',
      write: false,
      metafile: true,
      plugins: [onlyConfideModules],
      logLevel: 'silent',
    });
    // Each module the CLI imports lazily, found in the graph rather than listed: a new command is covered too.
    const commandModules = new Set(
      Object.entries(metafile.inputs).flatMap(([file, input]) =>
        file.startsWith('packages/cli/src/')
          ? input.imports
              .filter((imported) => imported.kind === 'dynamic-import' && !SERVES_GRAPHQL.has(imported.path))
              .map((imported) => imported.path)
          : [],
      ),
    );

    // Assert: the schema is in the graph (start and offboarding import it lazily), and the command modules are found,
    // so the absence of a chain below means something.
    expect(Object.keys(metafile.inputs)).toContain(SCHEMA);
    expect(commandModules).toContain('packages/cli/src/commands.ts');
    expect(commandModules).toContain('packages/cli/src/import/command.ts');
    for (const module of commandModules)
      expect(staticChain(metafile, module, SCHEMA), module).toBeUndefined();
  });
});
