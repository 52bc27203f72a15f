import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStackInfo, startLocalStack } from '@confide/local';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  interface ProvidedContext {
    localStack: LocalStackInfo;
  }
}

/**
 * One local stack (DynamoDB Local in memory, local KMS, token issuer) for the whole test run. Test files
 * share it and isolate themselves by onboarding their own organisations instead of wiping tables.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Node 20 is for development only (the Lambda runs Node 22): the SDK's reminder is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'confide-test-'));
  const stack = await startLocalStack({ dataDir, persist: false, stage: 'test' });
  const { env: _env, stop: _stop, ...info } = stack;
  project.provide('localStack', info);
  return async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
