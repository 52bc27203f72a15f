import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledLauncher, engineFiles, launcherFile } from './dynamodb-local';

/**
 * DynamoDB Local's launcher is compiled once per machine and then loaded as classes: `java` in source-file mode compiled
 * it in every engine start. Without `javac`, or when compiling fails, the engine starts in source-file mode as before.
 * Each test writes the launcher under a folder of its own (no process-wide state: test files share a worker).
 */

const folders: string[] = [];

/** The launcher's source written under a temporary folder of its own. */
function freshLauncher(): string {
  const folder = mkdtempSync(join(tmpdir(), 'confide-launcher-test-'));
  folders.push(folder);
  return launcherFile(folder);
}

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the DynamoDB Local launcher', () => {
  it('is compiled once beside its source, and the classes are reused by the next start', async () => {
    // Prepare
    const source = freshLauncher();
    const { jar } = engineFiles();

    // Act
    const first = await compiledLauncher(source, jar);
    const second = await compiledLauncher(source, jar, 'no-javac-needed-now');

    // Assess: the classes in place (the second start compiled nothing), no staging folder left behind.
    expect(first).toBe(join(dirname(source), 'classes'));
    expect(second).toBe(first);
    expect(readdirSync(first ?? '')).toContain('LoopbackDynamoDbLocal.class');
    expect(readdirSync(dirname(source)).sort()).toEqual(['LoopbackDynamoDbLocal.java', 'classes']);
  });

  it('falls back to source-file mode without javac, leaving nothing behind', async () => {
    // Prepare
    const source = freshLauncher();
    const { jar } = engineFiles();

    // Act: a compiler that is not there.
    const classes = await compiledLauncher(source, jar, join(dirname(source), 'javac'));

    // Assess
    expect(classes).toBeUndefined();
    expect(readdirSync(dirname(source))).toEqual(['LoopbackDynamoDbLocal.java']);
  });
});
