import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureConsoleBuilt } from '@confide/console/server';
import { type LocalStackInfo, startLocalStack } from '@confide/local';
import type { TestProject } from 'vitest/node';
import { buildCliBundle } from './support/cli-bundle';

declare module 'vitest' {
  interface ProvidedContext {
    localStack: LocalStackInfo;
    /** The CLI bundled for this run (test/support/cli-bundle.ts): `node <cliBundle> <args>` runs `confide`. */
    cliBundle: string;
  }
}

/**
 * One local stack (DynamoDB Local in memory, local KMS, token issuer) for the whole test run. Test files
 * share it and isolate themselves by onboarding their own organisations instead of wiping tables. The CLI is
 * bundled, and the console built when it is missing or stale (a fresh clone), while DynamoDB Local starts (its JVM
 * start is most of the stack's). Built here once: the console files run side by side, and each building it on its own
 * emptied `console/dist` under another's pages.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Node 20 is for development only (the Lambda runs Node 22): the SDK's reminder is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-test-'));
  const started = await Promise.allSettled([
    // No stream on the shared data table (decision 0058): the retention tests read streams of their own tables.
    startLocalStack({ dataDir, persist: false, stage: 'test', dataStream: false }),
    buildCliBundle({ watch: project.vitest.config.watch }),
    ensureConsoleBuilt(),
  ]);
  const [stackStart, cliBuild, consoleBuild] = started;
  if (
    stackStart.status === 'rejected' ||
    cliBuild.status === 'rejected' ||
    consoleBuild.status === 'rejected'
  ) {
    // Nothing is left running when another part failed.
    if (stackStart.status === 'fulfilled') await stackStart.value.stop();
    if (cliBuild.status === 'fulfilled') await cliBuild.value.remove();
    rmSync(dataDir, { recursive: true, force: true });
    throw started.find((result): result is PromiseRejectedResult => result.status === 'rejected')?.reason;
  }
  const stack = stackStart.value;
  const cli = cliBuild.value;
  const { env: _env, stop: _stop, ...info } = stack;
  project.provide('localStack', info);
  project.provide('cliBundle', cli.entry);
  return async () => {
    await Promise.all([stack.stop(), cli.remove()]);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
