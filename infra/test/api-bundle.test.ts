import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_POLICY_CLAUSES } from '../../packages/access/src/operations/policy-clauses';
import { buildLambdaBundle, LAMBDA_BUNDLE_FILE } from '../lib/lambda-bundling';
import { EventStreamSerde, eventStreamSerdeProvider } from '../lib/no-event-streams';
import { fromRepoRoot } from '../lib/paths';
import { type SynthesisedStage, synthStage } from './synth-stage';

interface LambdaCode {
  readonly Properties: { readonly Code: { readonly S3Key: string } };
}

const maxBundleBytes = 1.2 * 1024 * 1024;

/** The longest stretch of each operation policy's clause that esbuild ships as written (ASCII, no quotes). */
const clauseTexts = [
  ...new Set(
    Object.values(OPERATION_POLICY_CLAUSES).map((clause) =>
      clause
        .split(/[^\x20-\x7e]|['"`\\]/)
        .reduce((longest, part) => (part.length > longest.length ? part : longest), ''),
    ),
  ),
];

describe('Lambda bundles', () => {
  let stage: SynthesisedStage;
  let assemblyDirectory: string;
  const scratch = mkdtempSync(join(tmpdir(), 'confide-cdk-bundle-'));

  // Prepare / Act: synthesise with real esbuild bundling (every function of the stage).
  beforeAll(() => {
    stage = synthStage('dev', { bundle: true });
    assemblyDirectory = stage.app.synth().directory;
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** The `index.mjs` CDK bundled for a function, from its asset folder in the cloud assembly. */
  function cdkBundle(template: Template, functionName: string): string {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }),
    ) as LambdaCode[];
    const assetHash = fn?.Properties.Code.S3Key.replace(/\.zip$/, '');
    expect(assetHash).toMatch(/^[0-9a-f]{64}$/);
    return join(assemblyDirectory, `asset.${assetHash}`, LAMBDA_BUNDLE_FILE);
  }

  /** Every function of the stage, with the template that holds it. */
  const functions = () =>
    [
      [stage.api, 'api'],
      [stage.api, 'provisioner'],
      [stage.api, 'retention'],
      [stage.api, 'verifier'],
      [stage.api, 'transfer'],
      [stage.identity, 'pre-token'],
    ] as const;

  it('bundles the api as an ESM index.mjs under 1.2 MB, with the createRequire banner and no source map', () => {
    const bundle = cdkBundle(stage.api, 'confide-dev-api');
    expect(existsSync(bundle)).toBe(true);
    expect(statSync(bundle).size).toBeLessThan(maxBundleBytes);
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('createRequire(import.meta.url)');
    // The map is rebuilt offline from the commit for symbolication, never shipped (cold start, decision 0038).
    expect(existsSync(`${bundle}.map`)).toBe(false);
    expect(code).not.toContain('sourceMappingURL');
  });

  it('ships every function as ASCII, which Node decodes on its fast path and V8 compiles as a one-byte string', () => {
    // One non-ASCII character anywhere (a typographic apostrophe in a regular expression did it) sends the whole
    // bundle through the slow UTF-8 decode and makes V8 scan and compile it as a two-byte string: about 15 ms of
    // the api's cold start on Node 22. esbuild escapes non-ASCII in strings, not in regular expression literals.
    for (const [template, service] of functions()) {
      const code = readFileSync(cdkBundle(template, `confide-dev-${service}`));
      const firstNonAscii = code.findIndex((byte) => byte > 0x7f);
      expect(
        firstNonAscii === -1
          ? ''
          : code.subarray(Math.max(0, firstNonAscii - 60), firstNonAscii + 20).toString(),
        service,
      ).toBe('');
    }
  });

  it('is what lambdaEsbuildOptions builds, byte for byte, for every function (the artifact tests load that)', {
    timeout: 300_000,
  }, async () => {
    for (const [template, service] of functions()) {
      const built = await buildLambdaBundle(
        fromRepoRoot(`services/${service}/src/handler.ts`),
        join(scratch, service),
      );
      const shipped = readFileSync(cdkBundle(template, `confide-dev-${service}`));
      expect(readFileSync(built.path).equals(shipped), service).toBe(true);
      // The offline symbolication map is written beside the built bundle (and only there).
      expect(built.mapBytes, service).toBeGreaterThan(0);
      // Lambda's credentials are in the environment: none of the SDK's other credential sources is shipped.
      const inputs = Object.keys(built.metafile.inputs);
      expect(
        inputs.some((input) => input.includes('infra/lib/lambda-credentials.ts')),
        service,
      ).toBe(inputs.some((input) => input.includes('@aws-sdk/credential-provider-env')));
      expect(
        inputs.filter((input) =>
          /credential-provider-(node|sso|ini|process|web-identity|imds)|nested-clients/.test(input),
        ),
        service,
      ).toEqual([]);
      // yoga runs on the runtime's fetch classes, not @whatwg-node/node-fetch's (infra/lib/runtime-fetch.ts, decision
      // 0110), so neither it nor its multipart parser, its tslib or the URLPattern polyfill is shipped (a literal
      // URLPattern is: infra/lib/literal-urlpattern.ts); yoga's parse cache runs on a small LRU
      // (infra/lib/small-lru-cache.ts), the SDK's endpoint cache on a Map (infra/lib/small-endpoint-lru.ts). Decision 0043.
      expect(
        inputs.filter((input) =>
          /node_modules\/(@whatwg-node\/(fetch|node-fetch)|@fastify\/busboy|lru-cache|tslib|mnemonist|urlpattern-polyfill)\//.test(
            input,
          ),
        ),
        service,
      ).toEqual([]);
      // Nor the SDK's event-stream serde, which no operation of theirs uses (infra/lib/no-event-streams.ts).
      expect(
        inputs.filter((input) => input.includes('submodules/event-streams/')),
        service,
      ).toEqual([]);
      // Printing the schema is for development (npm run schema:print): never reachable from a Lambda entry, whose
      // bundle would otherwise carry a further copy of @graphql-tools/utils and write schema/schema.graphql when it
      // runs as main (issue 20).
      expect(
        inputs.filter((input) => input.includes('packages/api/src/print-schema')),
        service,
      ).toEqual([]);
      const code = readFileSync(built.path, 'utf8');
      expect(code, service).not.toContain('schema.graphql');
      // The operation policies' clauses are for tests and people: no function ships their table or a copy of one
      // of them on a policy (packages/access/src/operations/policy-clauses.ts, decision 0043).
      expect(
        inputs.filter((input) => input.includes('packages/access/src/operations/policy-clauses')),
        service,
      ).toEqual([]);
      expect(
        clauseTexts.filter((text) => code.includes(text)),
        service,
      ).toEqual([]);
      // The GraphQL schema is the api's alone: it is built when its module loads (Pothos registers every type), so a
      // function that serves no GraphQL and carries it builds it at each cold start for nothing (decision 0065).
      expect(
        inputs.filter((input) =>
          /packages\/api\/src\/schema\/|node_modules\/(@pothos|graphql-yoga)\//.test(input),
        ).length > 0,
        service,
      ).toBe(service === 'api');
      // The S3 client is the verifier's alone (checkpoints, decision 0029): never in the api's 1.2 MB budget.
      expect(
        inputs.some((input) => input.includes('@aws-sdk/client-s3')),
        service,
      ).toBe(service === 'verifier');
    }
  });

  it('refuses, never streams, should anything ever ask the stand-in for event-stream serde', () => {
    expect(() => new EventStreamSerde()).toThrow('Event streams are not shipped');
    const marshaller = eventStreamSerdeProvider();
    expect(() => marshaller.serialize()).toThrow('Event streams are not shipped');
    expect(() => marshaller.deserialize()).toThrow('Event streams are not shipped');
  });
});
