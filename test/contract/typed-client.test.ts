import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type CodegenConfig, generate } from '@graphql-codegen/cli';
import { afterAll, describe, expect, it } from 'vitest';
import codegenConfig from '../../examples/typed-client/codegen';
import { type ConfideClientOptions, registeredDocumentIds } from '../../examples/typed-client/src/client';
import { caseloadLines, recordNote } from '../../examples/typed-client/src/worker-day';
import { allocate, createServiceWithManager, registerServiceUser } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 20, partner apps: the typed client example (examples/typed-client), generated with GraphQL Code Generator
 * from the published SDL and schema/examples/worker-day.graphql. Its committed output is what codegen makes from
 * today's schema; a schema that drops a field an example reads fails generation, and one that changes a type the
 * example relies on fails its type-check; and the client runs against a stage that accepts registered documents only.
 */

const execFileAsync = promisify(execFile);
const ROOT = resolve('.');
const EXAMPLE = join(ROOT, 'examples/typed-client');
/** The check's compiler, TypeScript 7 (decision 0063): on this example, a fifth of the CPU of `typescript`'s `tsc`. */
const TSC = join(ROOT, 'node_modules/typescript-native/bin/tsc');
const SCHEMA = readFileSync(join(ROOT, 'schema/schema.graphql'), 'utf8');

async function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd: ROOT, timeout: 150_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    };
  }
}

/**
 * GraphQL Code Generator run in this process (its `generate`, what its CLI calls), writing the files: a process of its
 * own per generation cost about 3 CPU-seconds, most of it loading the generator. Answers like a process would: 0 and
 * nothing, or 1 and the errors it reported.
 */
async function generateIn(cwd: string, config: CodegenConfig): Promise<{ code: number; output: string }> {
  try {
    await generate({ ...config, cwd, silent: true }, true);
    return { code: 0, output: '' };
  } catch (error) {
    return { code: 1, output: describeError(error) };
  }
}

/** Every message of a codegen failure: its own, its `details` and those of any errors it aggregates. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { details, errors } = error as Error & { details?: unknown; errors?: unknown[] };
  return [
    error.message,
    typeof details === 'string' ? details : '',
    ...(errors ?? []).map(describeError),
  ].join('\n');
}

describe('the typed client example', () => {
  // Inside the repository's node_modules, so the generated code resolves its packages as the example does.
  const scratch = mkdtempSync(join(ROOT, 'node_modules/.cache/confide-typed-client-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** The example generated from `schema` into a copy of the example folder; answers codegen's and tsc's runs. */
  async function generateFrom(name: string, schema: string) {
    const folder = join(scratch, name);
    cpSync(join(EXAMPLE, 'src'), join(folder, 'src'), { recursive: true });
    rmSync(join(folder, 'src/gql'), { recursive: true, force: true });
    writeFileSync(join(folder, 'schema.graphql'), schema);
    const [output] = Object.values(codegenConfig.generates);
    if (!output) throw new Error('examples/typed-client/codegen.ts generates nothing');
    writeFileSync(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        extends: join(EXAMPLE, 'tsconfig.json'),
        include: [join(folder, 'src')],
      }),
    );
    const codegen = await generateIn(folder, {
      ...codegenConfig,
      schema: join(folder, 'schema.graphql'),
      generates: { [join(folder, 'src/gql/')]: output },
    });
    const typecheck =
      codegen.code === 0 ? await run(process.execPath, [TSC, '--noEmit', '-p', folder]) : undefined;
    return { folder, codegen, typecheck };
  }

  it('is what codegen makes from today’s schema, and type-checks', async () => {
    const today = await generateFrom('today', SCHEMA);

    expect(today.codegen.code, today.codegen.output).toBe(0);
    expect(today.typecheck?.code, today.typecheck?.output).toBe(0);
    for (const file of ['graphql.ts', 'gql.ts', 'index.ts']) {
      expect(readFileSync(join(today.folder, 'src/gql', file), 'utf8'), `src/gql/${file} is stale`).toBe(
        readFileSync(join(EXAMPLE, 'src/gql', file), 'utf8'),
      );
    }
  }, 180_000);

  it('fails generation when the schema drops a field an example reads', async () => {
    // Prepare: the service user's caseStatus renamed (its description kept, so the SDL still parses).
    const broken = SCHEMA.replace(/^ {2}caseStatus: CaseStatus\b/m, '  caseState: CaseStatus');
    expect(broken).not.toBe(SCHEMA);

    const result = await generateFrom('dropped-field', broken);

    expect(result.codegen.code).not.toBe(0);
    expect(result.codegen.output).toContain('Cannot query field "caseStatus" on type "ServiceUser"');
  }, 180_000);

  it('fails its type-check when the schema changes a type the example relies on', async () => {
    // Prepare: versions become strings (consistently, so the schema stays valid and generation succeeds).
    const changed = SCHEMA.replace(/^(\s+version: )Int!$/gm, '$1String!');
    expect(changed).not.toBe(SCHEMA);

    const result = await generateFrom('changed-type', changed);

    expect(result.codegen.code, result.codegen.output).toBe(0);
    expect(result.typecheck?.code).not.toBe(0);
    // recordNote answers { version: number }, now given a string.
    expect(result.typecheck?.output).toMatch(/worker-day\.ts\(\d+,\d+\): error TS2322/);
  }, 180_000);

  it('runs registered operations by id against a stage that accepts nothing else', async () => {
    // Prepare: a worker allocated to a person, and the api as a trusted-documents-only stage runs it.
    const api = testApi();
    const stage = testApi({ env: { CONFIDE_TRUSTED_DOCUMENTS_ONLY: 'true' } });
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const person = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, person, worker);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'schema/trusted-documents.json'), 'utf8'));
    const client: ConfideClientOptions = {
      url: 'http://confide.test/graphql',
      token: worker.token,
      documentIds: registeredDocumentIds(manifest),
      fetch: async (url, init) => stage.yoga.fetch(url, init),
    };
    const adHoc = await stage.graphql('query { me { kind } }', { token: worker.token });

    // Act
    const note = await recordNote(client, {
      serviceUserId: person,
      kind: 'DAILY_SUPPORT',
      body: 'Typed client: visit went well.',
      idempotencyKey: `typed-client-${org.slug}`,
    });
    const lines = await caseloadLines(client);

    // Assess: the stage refuses text it does not know, and runs the example's operations by id.
    expect(adHoc.errors?.[0]?.extensions?.code).toBe('UNTRUSTED_DOCUMENT');
    expect(note.version).toBe(1);
    expect(lines.map((line) => [line.serviceUserId, line.open, typeof line.latestNoteAt])).toEqual([
      [person, true, 'string'],
    ]);
  }, 180_000);
});
