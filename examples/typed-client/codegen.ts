import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';

// Paths from this file, so the config runs from any working directory (npm run check runs it from the root).
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * A partner's typed client, generated with GraphQL Code Generator's client preset from the published SDL and a
 * partner's starting operations (`schema/examples/worker-day.graphql`). The output is committed, and `npm run check`
 * regenerates it and type-checks this folder: a schema change that breaks an operation, or changes a type the example
 * relies on, fails the check (test/contract/typed-client.test.ts shows both).
 */
const config: CodegenConfig = {
  schema: here('../../schema/schema.graphql'),
  documents: [here('../../schema/examples/worker-day.graphql')],
  ignoreNoDocuments: false,
  generates: {
    [here('src/gql/')]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Plain strings on the wire: the client needs no graphql runtime.
        documentMode: 'string',
        onlyOperationTypes: true,
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string' },
      },
    },
  },
};

export default config;
