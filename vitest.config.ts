import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // One copy of graphql across workspaces, or Pothos and yoga disagree about GraphQLScalarType's realm.
    // Exact match only, so that subpath imports (graphql/language/parser) still resolve.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'infra/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files share a worker's module graph instead of re-importing the API, SDK and schema for each file
    // (import time fell from ~125 s to ~11 s of a ~300 s run). Safe because no test mocks modules or changes
    // process-wide state: each builds its own services (testApi) and its own organisation.
    isolate: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
