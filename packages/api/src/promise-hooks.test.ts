import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The api's own sources: every workspace package and the api service, tests left out. */
function apiSources(): string[] {
  const folders = [
    ...readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name, 'src')),
    join(root, 'services', 'api', 'src'),
  ];
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) files.push(path);
    }
  };
  for (const folder of folders) {
    try {
      walk(folder);
    } catch {
      // A package without src (none today) has nothing to check.
    }
  }
  return files;
}

describe('promise hooks (issue 18, decision 0051)', () => {
  it('no api code turns on async hooks: an AsyncLocalStorage or createHook makes every promise of every request pay', () => {
    // Prepare
    const files = apiSources();

    // Act
    const offenders = files
      .filter((file) => /\bAsyncLocalStorage\b|\bcreateHook\s*\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));

    // Assess
    expect(files.length).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });
});
