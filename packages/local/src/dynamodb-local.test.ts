import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledLauncher, engineFiles, launcherFile } from './dynamodb-local';

/**
 * DynamoDB Local's launcher is compiled once per machine and then loaded as classes: `java` in source-file mode compiled
 * it in every engine start. Without `javac`, or when compiling fails, the engine starts in source-file mode as before.
 */

const saved = { TMPDIR: process.env.TMPDIR, PATH: process.env.PATH };
const folders: string[] = [];

/** The launcher's source written under a temporary folder of its own (`launcherFile` writes under `tmpdir()`). */
function freshLauncher(): string {
  const folder = mkdtempSync(join(tmpdir(), 'confide-launcher-test-'));
  folders.push(folder);
  process.env.TMPDIR = folder;
  return launcherFile();
}

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the DynamoDB Local launcher', () => {
  it('is compiled once beside its source, and the classes are reused by the next start', async () => {
    // Prepare
    const source = freshLauncher();
    const { jar } = engineFiles();

    // Act
    const first = await compiledLauncher(source, jar);
    const second = await compiledLauncher(source, jar);

    // Assess: the classes in place, no staging folder left behind.
    expect(first).toBe(join(dirname(source), 'classes'));
    expect(second).toBe(first);
    expect(readdirSync(first ?? '')).toContain('LoopbackDynamoDbLocal.class');
    expect(readdirSync(dirname(source)).sort()).toEqual(['LoopbackDynamoDbLocal.java', 'classes']);
  });

  it('falls back to source-file mode without javac, leaving nothing behind', async () => {
    // Prepare: a PATH on which there is no javac.
    const source = freshLauncher();
    const { jar } = engineFiles();
    process.env.PATH = dirname(source);

    // Act
    const classes = await compiledLauncher(source, jar);

    // Assess
    expect(classes).toBeUndefined();
    expect(readdirSync(dirname(source))).toEqual(['LoopbackDynamoDbLocal.java']);
  });
});
