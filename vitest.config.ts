import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (pure logic and CDK assertions, no local stack) and `integration` (behaviour through the
 * GraphQL API against one shared local stack). Integration files wait on DynamoDB Local and the local KMS, so they
 * run on one worker more than there are cores (decision 0111): one worker a core left the cores partly idle, and a
 * fourth worker on 2 cores cost more CPU (its own imports, more contention) than its waits gave back.
 */
const cores = availableParallelism();

export default defineConfig({
  resolve: {
    // One copy of graphql across workspaces, or Pothos and yoga disagree about GraphQLScalarType's realm.
    // Exact match only, so that subpath imports (graphql/language/parser) still resolve.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    // Ceilings for a hung test, not clocks a result depends on: on a busy machine (load above 20 on 2 cores) a policy
    // enumeration or a CDK synth took over 30 s and was still right. A test sets no lower timeout of its own.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Test files share a worker's module graph instead of re-importing the API, SDK and schema for each file
    // (import time fell from ~125 s to ~11 s of a ~300 s run). Safe because no test mocks modules or changes
    // process-wide state: each builds its own services (testApi) and its own organisation.
    isolate: false,
    maxWorkers: Math.max(2, cores + 1),
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'services/*/src/**/*.test.ts',
            'infra/test/**/*.test.ts',
            'console/src/**/*.test.ts',
            'console/server/**/*.test.ts',
          ],
          exclude: ['packages/store/src/request-counters.test.ts'],
          globalSetup: ['infra/test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'packages/store/src/request-counters.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
