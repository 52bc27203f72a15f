import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { Authenticator, organisationExports } from '@confide/api';
import { newId, type Role } from '@confide/domain';
import { handleHttpApiEvent } from '@confide/service-api';
import { handler as provisionerHandler } from '@confide/service-provisioner/handler';
import { ItemLoader, tenantScope } from '@confide/store';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTransfer } from '../../services/transfer/src/transfer';
import { CANARY, generateDataset, nhsNumberFor } from '../import/dataset';
import {
  type ImportWorld,
  importArgs,
  importWorld,
  runCli as runLocalCli,
  serviceClientIds,
} from '../import/import-support';
import { type LambdaEndpoint, startLambdaEndpoint } from '../support/aws-stand-ins';
import {
  ADA,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, expectTamperedState, onboardTestOrganisation } from '../support/fixtures';
import { createService, globalId, localIdOf, organisationItems } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { runCli } from './support/run-cli';

/**
 * Issues 20 and 21, decision 0041: `confide org export --stage` and `confide import --stage` through the real
 * command and a signed stand-in of Lambda's Invoke API, whose `confide-qa-transfer` runs the transfer function's own
 * code (`runTransfer`) against the local stack (its DynamoDB and KMS), with the operator's token verified as the
 * function verifies it. The export gates offboarding (through the stage's api, as in operator-stage.test.ts); the
 * import is validated here, checked and written there, resumable, and reads back as a local import does.
 */

/**
 * `confide import` of a folder into the world's service through a stage, under a manager's authorisation: no `--as`
 * (a name typed proves nothing in a stage, decision 0146).
 */
function stageImportArgs(world: ImportWorld, folder: string, authorisation?: string): string[] {
  const args = importArgs(world, folder);
  const as = args.indexOf('--as');
  return [
    ...args.slice(0, as),
    ...(authorisation === undefined ? [] : ['--authorisation', authorisation]),
    ...args.slice(as + 2),
  ];
}

/** A manager's authorisation of an import into a service, given through the API: the id they hand the operator. */
async function authoriseImport(
  api: TestApi,
  manager: Person,
  serviceId: string,
  expiresInMinutes?: number,
): Promise<string> {
  const result = await api.graphql<{ authoriseImport: { id: string } }>(
    'mutation ($input: AuthoriseImportInput!) { authoriseImport(input: $input) { id } }',
    {
      token: manager.token,
      variables: { input: { serviceId, ...(expiresInMinutes === undefined ? {} : { expiresInMinutes }) } },
    },
  );
  expectNoErrors(result);
  return result.data?.authoriseImport.id ?? '';
}

/** A further manager of the world's service, who has acknowledged the published policy. */
async function anotherManager(api: TestApi, world: ImportWorld, roles: Role[] = ['SERVICE_MANAGER']) {
  const manager = await addStaff(api, world.org, roles);
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
      { token: world.senior.token, variables: { s: world.serviceId, m: manager.globalId } },
    ),
  );
  const version = (await api.services.directory.organisation(world.org.orgId))?.policyVersion;
  expectNoErrors(
    await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
      token: manager.token,
      variables: { v: version },
    }),
  );
  return manager;
}

const NOTE = 'Canary-note: walked to the allotment, talked about her sister.';
const HELD = { name: 'Held Person Already', dateOfBirth: '1975-05-05', nhsNumber: nhsNumberFor(777_777) };

describe('confide org export and import against a deployed stage (--stage)', { timeout: 360_000 }, () => {
  let lambda: LambdaEndpoint;
  let api: TestApi;
  const transferCalls: { operation: string; payloadBytes: number }[] = [];
  /** The import.batch call (1-based) whose answer is lost after it ran: the stage's Lambda timing out. */
  let failBatch: number | undefined;
  let batches = 0;
  const folder = mkdtempSync(join(tmpdir(), 'confide-stage-transfer-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    lambda = await startLambdaEndpoint({
      invoke: async (functionName, payload) => {
        const event = JSON.parse(payload) as Record<string, unknown>;
        if (functionName === 'confide-qa-transfer') {
          const operation = String(event.operation);
          transferCalls.push({ operation, payloadBytes: Buffer.byteLength(payload) });
          const answer = await runTransfer(
            { services: api.services, authenticator: new Authenticator(api.services) },
            event,
          );
          if (operation === 'import.batch' && ++batches === failBatch) {
            return {
              payload: '{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out"}',
              functionError: 'Unhandled',
            };
          }
          return { payload: JSON.stringify(answer) };
        }
        if (functionName === 'confide-qa-provisioner') {
          return { payload: JSON.stringify(await provisionerHandler(event)) };
        }
        if (functionName === 'confide-qa-api') {
          const answer = await handleHttpApiEvent(
            api.yoga,
            event as unknown as APIGatewayProxyEventV2,
            {} as Context,
          );
          return { payload: JSON.stringify(answer) };
        }
        return {
          payload: '{"errorType":"ResourceNotFoundException","errorMessage":"Function not found"}',
          functionError: 'Unhandled',
        };
      },
    });
    // The stage's api: offboarding invokes the stage's provisioner (the tests also read through it as staff).
    api = testApi({
      env: {
        CONFIDE_PROVISIONER_FUNCTION: 'confide-qa-provisioner',
        CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint,
      },
    });
    env = {
      CONFIDE_LAMBDA_ENDPOINT: lambda.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'eu-west-2',
      // No running local stack is needed (nor read): the stage is the stand-in.
      CONFIDE_DATA_DIR: join(folder, 'no-local-stack'),
    };
  });

  afterAll(async () => {
    await lambda.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const stage = (args: string[], extra: Record<string, string> = {}) =>
    runCli([...args, '--stage', 'qa'], { ...env, ...extra });

  it('an export through the stage is audited, written as locally, and lets offboarding proceed', async () => {
    // Prepare: three people with notes; the export pages two people at a time.
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const ada = await registerServiceUser(api, manager, serviceId);
    const bea = await registerServiceUser(api, manager, serviceId, {
      name: 'Bea Second-Canary',
      email: 'bea@example.org',
    });
    const cai = await registerServiceUser(api, manager, serviceId, { name: 'Cai Third-Canary' });
    await recordNote(api, manager, ada, 'DAILY_SUPPORT', NOTE);
    await recordNote(api, manager, bea, 'DAILY_SUPPORT', 'Second person, first note.');
    await recordNote(api, manager, bea, 'DAILY_SUPPORT', 'Second person, second note.');
    const operator = { CONFIDE_OPERATOR_TOKEN: await api.operatorToken('operator-1') };
    const second = { CONFIDE_OPERATOR_TOKEN: await api.secondOperatorToken() };
    const destination = mkdtempSync(join(folder, 'to-'));
    const calls = transferCalls.length;

    // Act
    const refused = await stage(['org', 'offboard', '--slug', org.slug, '--window', '7'], operator);
    const noToken = await stage(['org', 'export', '--slug', org.slug, '--to', destination]);
    const asStaff = await stage(['org', 'export', '--slug', org.slug, '--to', destination], {
      CONFIDE_OPERATOR_TOKEN: manager.token,
    });
    const exported = await stage(['org', 'export', '--slug', org.slug, '--to', destination], {
      ...operator,
      CONFIDE_EXPORT_PAGE_PEOPLE: '2',
    });
    const requested = await stage(['org', 'offboard', '--slug', org.slug, '--window', '7'], operator);
    const approved = await stage(['org', 'offboard', '--slug', org.slug, '--approve'], second);

    // Assess: refused before, then exported in pages (begin, two pages, complete), then offboarded.
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('EXPORT_REQUIRED');
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('CONFIDE_OPERATOR_TOKEN');
    expect(asStaff.code).toBe(1);
    expect(asStaff.stderr).toContain('(FORBIDDEN)');
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain(`Exported ${org.slug} from qa: 3 service users (0 erased), 3 notes`);
    // The staff token's begin was refused; no token never left the CLI.
    expect(transferCalls.slice(calls).map((call) => call.operation)).toEqual([
      'export.begin',
      'export.begin',
      'export.page',
      'export.page',
      'export.complete',
    ]);
    expect(requested.code, requested.stderr).toBe(0);
    expect(approved.code, approved.stderr).toBe(0);
    expect((await api.services.directory.organisation(org.orgId))?.status).toBe('OFFBOARDED');
    expect(lambda.invocations.every((call) => call.signatureValid)).toBe(true);

    // The folder: 0700, files 0600, every person decrypted, a manifest whose digest is the recorded one.
    const [name] = readdirSync(destination).filter((entry) => entry.startsWith(`${org.slug}-export-`));
    const root = join(destination, name ?? '');
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'manifest.json')).mode & 0o777).toBe(0o600);
    const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as {
      organisation: { organisationId: string };
      exportedBy: string;
      counts: Record<string, number>;
      files: { file: string; sha256: string }[];
    };
    expect(manifest.organisation.organisationId).toBe(org.orgId);
    expect(manifest.exportedBy).toBe('operator-1');
    expect(manifest.counts).toMatchObject({ serviceUsers: 3, notes: 3, erased: 0, services: 1 });
    expect(manifest.files.map((entry) => entry.file).sort()).toEqual(
      [
        'services.json',
        'staff.json',
        ...[ada, bea, cai].map((id) => `service-users/${localIdOf(id)}.json`),
      ].sort(),
    );
    const person = (id: string) =>
      JSON.parse(readFileSync(join(root, 'service-users', `${localIdOf(id)}.json`), 'utf8')) as {
        profile: Record<string, string>;
        notes: { text: string }[];
      };
    expect(person(ada).profile).toMatchObject(ADA);
    expect(person(ada).notes.map((note) => note.text)).toEqual([NOTE]);
    expect(person(bea).notes).toHaveLength(2);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256')
      .update(readFileSync(join(root, 'manifest.json')))
      .digest('hex');
    expect(exported.stdout).toContain(`manifest sha256 ${digest}`);
    // Read as the provisioner reads it: the organisation is offboarded and its key pending deletion.
    const recorded = await organisationExports(api.services).latest(tenantScope(org.orgId), {
      unverified: true,
    });
    expect(recorded).toMatchObject({
      kind: 'EXPORTED',
      by: 'operator-1',
      serviceUsers: 3,
      notes: 3,
      manifestDigest: digest,
    });

    // Audited: the platform audit (before anything was read, and at the end), one READ per person, as the operator.
    const platform = await api.services.platformAudit.list({ organisationId: org.orgId });
    const exportEvents = platform.filter((event) => event.operation === 'exportOrganisation');
    expect(exportEvents.map((event) => [event.outcome, event.actor.id])).toEqual([
      ['COMPLETED', 'operator-1'],
      ['ALLOWED', 'operator-1'],
    ]);
    for (const id of [ada, bea, cai]) {
      const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(id), {
        limit: 100,
      });
      expect(
        events
          .filter((event) => event.operation === 'processor.export')
          .map((event) => [event.action, event.actor.kind, event.actor.id]),
      ).toEqual([['READ', 'OPERATOR', 'operator-1']]);
    }

    // Nothing personal in what the commands printed.
    for (const output of [refused, exported, requested, approved]) {
      const text = output.stdout + output.stderr;
      for (const value of [ADA.name, ADA.email, NOTE, 'Bea Second-Canary', 'Cai Third-Canary'])
        expect(text).not.toContain(value);
    }
  });

  it('a page the byte bound cuts short resumes at the next person; one person over the bound is refused', async () => {
    // Prepare: three people, each with a long note; a bound that holds one of them, not two.
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const people = [
      await registerServiceUser(api, manager, serviceId),
      await registerServiceUser(api, manager, serviceId, { name: 'Bea Second-Canary' }),
      await registerServiceUser(api, manager, serviceId, { name: 'Cai Third-Canary' }),
    ];
    for (const person of people) await recordNote(api, manager, person, 'DAILY_SUPPORT', 'x'.repeat(4_000));
    const token = await api.operatorToken('operator-1');
    const call = (operation: string, input: Record<string, unknown>, exportPageBytes: number) =>
      runTransfer(
        { services: api.services, authenticator: new Authenticator(api.services), exportPageBytes },
        { operation, token, input },
      ) as Promise<Record<string, unknown>>;
    const begun = await call('export.begin', { slug: org.slug }, 6_000);

    // Act: page through with a 6,000-byte bound; then once with a bound no person fits.
    const pages: string[][] = [];
    let cursor = begun.cursor;
    while (cursor) {
      const page = await call('export.page', { slug: org.slug, requestId: begun.requestId, cursor }, 6_000);
      pages.push(((page.people ?? []) as { clientId: string }[]).map((person) => person.clientId));
      cursor = page.next;
    }
    const tooSmall = await call(
      'export.page',
      { slug: org.slug, requestId: begun.requestId, cursor: begun.cursor },
      100,
    );

    // Assess: every person once, in more than one page, none over the bound; each audited before being read.
    expect(pages.flat().sort()).toEqual(people.map((id) => localIdOf(id)).sort());
    expect(pages).toHaveLength(3);
    expect(pages.every((page) => page.length > 0)).toBe(true);
    expect(tooSmall).toMatchObject({ ok: false, error: { code: 'EXPORT_TOO_LARGE' } });
    for (const id of people) {
      const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(id), {
        limit: 100,
      });
      expect(events.filter((event) => event.operation === 'processor.export').length).toBeGreaterThan(0);
    }
  });

  it('an import through the stage: the dry run writes nothing; interrupted and run again, no duplicate', async () => {
    // Prepare
    const world = await importWorld(api);
    await registerServiceUser(api, world.manager, world.serviceId, HELD);
    const from = mkdtempSync(join(folder, 'import-'));
    const dataset = generateDataset(from, {
      clients: 30,
      notesPerClient: 3,
      worker: world.workerHandle,
      manager: world.managerHandle,
      held: HELD,
      badRows: true,
    });
    const authorisation = await authoriseImport(api, world.manager, world.serviceId);
    const operator = {
      CONFIDE_OPERATOR_TOKEN: await api.operatorToken('operator-1'),
      CONFIDE_IMPORT_CLIENTS_PER_CALL: '8',
    };
    const before = await organisationItems(api, world.org.orgId);
    const calls = transferCalls.length;

    // Act: a dry run; a run whose second batch's answer is lost after it wrote; the rerun; a third run.
    const dryRun = await stage([...stageImportArgs(world, from, authorisation), '--dry-run'], operator);
    const afterDryRun = await organisationItems(api, world.org.orgId);
    const checks = transferCalls.slice(calls).filter((call) => call.operation === 'import.check').length;
    const checksRecorded = (
      await api.services.platformAudit.list({ organisationId: world.org.orgId })
    ).filter((event) => event.operation === 'checkImport').length;
    const dryReport = readFileSync(join(from, 'import-rejections.csv'), 'utf8');
    batches = 0;
    failBatch = 2;
    const interrupted = await stage(stageImportArgs(world, from, authorisation), operator);
    const visibleAfterInterruption = (await serviceClientIds(api, world)).length - 1;
    failBatch = undefined;
    const resumed = await stage(stageImportArgs(world, from, authorisation), operator);
    const again = await stage(stageImportArgs(world, from, authorisation), operator);

    // Assess: the dry run checked held records in the stage, wrote no record, and recorded each check.
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain('Dry run: nothing written');
    expect(afterDryRun).toEqual(before);
    expect(checks).toBeGreaterThan(1);
    expect(checksRecorded).toBe(checks);
    const expected = dataset.expectedRejections
      .map((r) => [r.file, String(r.line), r.column, r.reason].join(','))
      .sort();
    expect(dryReport.trim().split('\n').slice(1).sort()).toEqual(expected);
    expect(expected.some((row) => row.endsWith('DUPLICATE_OF_HELD_RECORD'))).toBe(true);
    // Interrupted after two batches had written; resumed to the end; nothing left for a third run.
    expect(interrupted.code).toBe(1);
    expect(interrupted.stderr).toContain('The qa transfer function could not be run');
    expect(visibleAfterInterruption).toBeGreaterThan(0);
    expect(visibleAfterInterruption).toBeLessThan(dataset.goodClients.length);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/by [a-z0-9.-]+, in qa\)/);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Imported 0 clients, 0 allocations, 0 consents, 0 notes');
    expect(again.stdout).toContain(
      `${dataset.goodClients.length} clients were imported before and were skipped`,
    );
    const ids = await serviceClientIds(api, world);
    expect(ids).toHaveLength(dataset.goodClients.length + 1);
    const scope = tenantScope(world.org.orgId);
    const perClient = await Promise.all(
      ids.map(async (id) => {
        const loader = new ItemLoader(api.services.dynamo, api.services.keys);
        const profile = await api.services.serviceUsers.get(scope, id, loader);
        return {
          notes: (await api.services.caseNotes.list(scope, id, loader)).length,
          consents: (await api.services.consents.list(scope, id)).length,
          allocations: profile?.allocations.length ?? 0,
        };
      }),
    );
    const imported = perClient.filter((counts) => counts.notes > 0);
    expect(imported).toHaveLength(dataset.goodClients.length);
    for (const counts of imported) expect(counts).toEqual({ notes: 3, consents: 1, allocations: 1 });
    // The operator's part in the platform audit: each real run began and the finished ones completed.
    const platform = await api.services.platformAudit.list({ organisationId: world.org.orgId });
    const runs = platform.filter((event) => event.operation === 'importRecords');
    expect(runs.filter((event) => event.outcome === 'ALLOWED')).toHaveLength(3);
    expect(runs.filter((event) => event.outcome === 'COMPLETED')).toHaveLength(2);
    expect(runs.every((event) => event.actor.id === 'operator-1')).toBe(true);
    // Every invocation fits Lambda's 6 MB request; no canary value reached the output or the report.
    const report = readFileSync(join(from, 'import-rejections.csv'), 'utf8');
    expect(Math.max(...transferCalls.map((call) => call.payloadBytes))).toBeLessThan(6 * 1024 * 1024);
    for (const text of [
      dryRun.stdout,
      dryRun.stderr,
      interrupted.stdout,
      interrupted.stderr,
      resumed.stdout,
      resumed.stderr,
      again.stdout,
      again.stderr,
      report,
    ]) {
      expect(text.toLowerCase()).not.toContain(CANARY.toLowerCase());
      expect(text).not.toContain(HELD.nhsNumber);
    }
  });

  it('records imported through the stage read back through GraphQL exactly as a local import’s', async () => {
    // Prepare: the same files into two organisations, one locally and one through the stage.
    const local = await importWorld(api);
    const staged = await importWorld(api);
    const from = mkdtempSync(join(folder, 'import-'));
    const dataset = generateDataset(from, {
      clients: 3,
      notesPerClient: 6,
      worker: local.workerHandle,
      seed: 'r',
    });
    // The worker handles differ by organisation: the staged world's worker is named in a copy of the files.
    const stagedFrom = mkdtempSync(join(folder, 'import-'));
    generateDataset(stagedFrom, { clients: 3, notesPerClient: 6, worker: staged.workerHandle, seed: 'r' });
    const operator = { CONFIDE_OPERATOR_TOKEN: await api.operatorToken('operator-1') };
    const authorisation = await authoriseImport(api, staged.manager, staged.serviceId);

    // Act
    const locally = await runLocalCli(api, importArgs(local, from));
    const inStage = await stage(stageImportArgs(staged, stagedFrom, authorisation), operator);
    const read = async (world: ImportWorld) => {
      const scope = tenantScope(world.org.orgId);
      const loader = new ItemLoader(api.services.dynamo, api.services.keys);
      let clientId = '';
      for (const id of await serviceClientIds(api, world)) {
        const record = await api.services.serviceUsers.get(scope, id, loader);
        const key = await loader.subjectKey(scope.orgId, id);
        if (
          record &&
          key &&
          api.services.serviceUsers.openDetail(key, record, 'name') === dataset.goodClients[0]?.name
        )
          clientId = id;
      }
      const id = globalId('ServiceUser', clientId);
      const profile = await api.graphql<{
        serviceUser: {
          name: string;
          dateOfBirth: string;
          nhsNumber: string;
          postcode: string;
          caseStatus: string;
          allocations: { kind: string; staffId: string }[];
          consentsConnection: { edges: { node: { scope: string; method: string; givenBy: string } }[] };
          notes: { edges: { node: { kind: string; body?: string | null } }[] };
        };
      }>(
        `query ($id: ID!) { serviceUser(id: $id) { name dateOfBirth nhsNumber postcode caseStatus
          allocations { kind staffId } consentsConnection(first: 10) { edges { node { scope method givenBy } } }
          notes { edges { node { kind ... on CareNote { body } ... on HealthNote { body } } } } } }`,
        { token: world.worker.token, variables: { id } },
      );
      const log = await api.graphql<{
        accessLog: { edges: { node: { operation: string; action: string; actorId: string } }[] };
      }>(
        'query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node { operation action actorId } } } }',
        { token: world.igLead.token, variables: { id } },
      );
      const user = profile.data?.serviceUser;
      return {
        errors: [...(profile.errors ?? []), ...(log.errors ?? [])],
        profile: user && {
          ...user,
          // Ids differ by organisation: the allocated worker is compared as "the worker".
          allocations: user.allocations.map((a) => ({
            kind: a.kind,
            worker: a.staffId === world.worker.globalId,
          })),
          // Sorted by what they say: without source dates, recordedAt is each run's own time.
          notes: user.notes.edges
            .map(({ node }) => ({ kind: node.kind, body: node.body }))
            .sort((a, b) => `${a.kind}|${a.body}`.localeCompare(`${b.kind}|${b.body}`)),
        },
        log: (log.data?.accessLog.edges ?? [])
          .map((edge) => edge.node)
          .filter((event) => event.operation.startsWith('import'))
          .map((event) => [event.operation, event.action, event.actorId === world.manager.staffId])
          .sort(),
      };
    };
    const [fromLocal, fromStage] = [await read(local), await read(staged)];

    // Assess: the same records, the same need-to-know, the same audit.
    expect(locally.code, locally.stderr).toBe(0);
    expect(inStage.code, inStage.stderr).toBe(0);
    expect(fromLocal.errors).toEqual([]);
    expect(fromStage.errors).toEqual([]);
    expect(fromLocal.profile?.name).toBe(dataset.goodClients[0]?.name);
    expect(fromLocal.profile?.notes.length).toBeGreaterThan(0);
    expect(fromStage.profile).toEqual(fromLocal.profile);
    expect(fromLocal.log).toHaveLength(9);
    expect(fromStage.log).toEqual(fromLocal.log);
  });

  it('the function decides for itself, whatever a request says', async () => {
    // Prepare
    const world = await importWorld(api);
    const token = await api.operatorToken('operator-1');
    const call = (operation: string, input: Record<string, unknown>, as = token) =>
      runTransfer(
        { services: api.services, authenticator: new Authenticator(api.services) },
        { operation, token: as, input },
      );
    const authorisation = await authoriseImport(api, world.manager, world.serviceId);
    const who = { slug: world.org.slug, service: localIdOf(world.serviceId), authorisation };
    const mapping = {
      sourceSystem: 'forged',
      dateFormat: 'YYYY-MM-DD',
      clients: { file: 'clients.csv', columns: { sourceId: 'Id', name: 'Name', dateOfBirth: 'DOB' } },
      noteTypes: {},
    };
    const client = (note: Record<string, unknown>) => ({
      line: 2,
      sourceId: 'C-1',
      details: { name: 'Forged Person', dateOfBirth: '1980-01-01' },
      openedAt: undefined,
      closedAt: undefined,
      allocations: [],
      consents: [],
      notes: [
        {
          line: 2,
          sourceId: 'N-1',
          body: 'Forged note',
          distribution: [],
          sealedFor: [],
          withheld: false,
          rule: 'forged.rule',
          ...note,
        },
      ],
    });
    await registerServiceUser(api, world.manager, world.serviceId);
    const hr = await addStaff(api, world.org, ['HR_OFFICER']);
    const before = await organisationItems(api, world.org.orgId);

    // Act
    const notBegunPage = await call('export.page', {
      slug: world.org.slug,
      requestId: 'export-00000000-0000-4000-8000-000000000000',
      cursor: { service: 0 },
    });
    // Begun, but no page read: completing it would tell offboarding the person was handed over.
    const begun = (await call('export.begin', { slug: world.org.slug })) as { requestId?: string };
    const unread = await call('export.complete', {
      slug: world.org.slug,
      requestId: begun.requestId,
      serviceUsers: 40,
      notes: 900,
      manifestDigest: 'a'.repeat(64),
    });
    const notBegun = await call('export.complete', {
      slug: world.org.slug,
      requestId: 'export-00000000-0000-4000-8000-000000000000',
      serviceUsers: 0,
      notes: 0,
      manifestDigest: 'a'.repeat(64),
    });
    const asStaff = await call('import.context', who, world.manager.token);
    const context = await call('import.context', who);
    const check = (note: Record<string, unknown>) =>
      call('import.check', { ...who, mapping, clients: [client(note)] });
    // A HEALTH note by the (unallocated) manager, which the CLI would have rejected; an author who is not staff.
    const healthByManager = await check({ kind: 'MEDICAL', authorId: world.manager.staffId });
    const stranger = await check({ kind: 'DAILY_SUPPORT', authorId: 'stf_aaaaaaaaaaaaaaaaaaaaaaaaaa' });
    // A value the CLI would have rejected: an NHS number whose check digit is wrong.
    const badNhs = await call('import.check', {
      ...who,
      mapping,
      clients: [
        {
          ...client({ kind: 'DAILY_SUPPORT', authorId: world.manager.staffId }),
          details: { name: 'Forged Person', dateOfBirth: '1980-01-01', nhsNumber: '1234567890' },
        },
      ],
    });
    // An allocation of someone who is not support staff (an HR officer), and a note withheld under no exemption.
    const allocatedHr = await call('import.check', {
      ...who,
      mapping,
      clients: [
        {
          ...client({ kind: 'DAILY_SUPPORT', authorId: world.manager.staffId }),
          allocations: [{ line: 2, staffId: hr.staffId, kind: 'PRIMARY' }],
        },
      ],
    });
    const unexempt = await check({ kind: 'DAILY_SUPPORT', authorId: world.manager.staffId, withheld: true });
    // A closed case whose retention ran out long ago (imported, it would expire at once: an erasure by one
    // person), and one closed before it opened.
    const closed = (dates: Record<string, string>) =>
      call('import.check', {
        ...who,
        mapping,
        clients: [{ ...client({ kind: 'DAILY_SUPPORT', authorId: world.manager.staffId }), ...dates }],
      });
    const pastRetention = await closed({ closedAt: '1901-01-01T00:00:00.000Z' });
    // A cover with no end (it would never end), and a consent naming a partner the organisation never registered.
    const endlessCover = await closed({
      allocations: [{ line: 2, staffId: world.worker.staffId, kind: 'COVER' }],
    } as unknown as Record<string, string>);
    const unknownPartner = await closed({
      consents: [
        {
          line: 2,
          sourceId: 'K-1',
          scope: 'GP',
          method: 'SIGNED_FORM',
          givenBy: 'CLIENT',
          sealed: {},
          partnerId: 'prt_aaaaaaaaaaaaaaaaaaaaaaaaaa',
        },
      ],
    } as unknown as Record<string, string>);
    const closedBeforeOpened = await closed({
      openedAt: '2020-02-01T00:00:00.000Z',
      closedAt: '2020-01-01T00:00:00.000Z',
    });
    const good = await check({ kind: 'DAILY_SUPPORT', authorId: world.manager.staffId });
    const badRun = await call('import.batch', {
      ...who,
      mapping,
      runId: 'not-a-run',
      clients: [client({ kind: 'DAILY_SUPPORT', authorId: world.manager.staffId })],
    });
    // A well-formed run id that no import.begin started: no platform audit event of it, no run item.
    const unbegun = newId('importRun');
    const unbegunBatch = await call('import.batch', {
      ...who,
      mapping,
      runId: unbegun,
      clients: [client({ kind: 'DAILY_SUPPORT', authorId: world.manager.staffId })],
    });
    const unbegunFinish = await call('import.finish', {
      ...who,
      mapping,
      runId: unbegun,
      imported: { clients: 1, allocations: 0, consents: 0, notes: 1 },
      rejected: 0,
      alreadyImported: 0,
    });

    // Assess: refused, and nothing written to the organisation.
    expect(notBegunPage).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', field: 'requestId' } });
    expect(JSON.stringify(notBegunPage)).not.toContain(ADA.name);
    expect(notBegun).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', field: 'requestId' } });
    expect(unread).toMatchObject({ ok: false, error: { code: 'CONFLICT', field: 'requestId' } });
    expect(await organisationExports(api.services).latest(tenantScope(world.org.orgId))).toBeUndefined();
    expect(asStaff).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(context).toMatchObject({ ok: true, operator: { staffId: world.manager.staffId } });
    expect(JSON.stringify(context)).not.toContain('displayName');
    expect(healthByManager).toMatchObject({ ok: false, error: { code: 'CLASSIFICATION_NOT_PERMITTED' } });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(badNhs).toMatchObject({ ok: false, error: { code: 'BAD_USER_INPUT', field: 'clients' } });
    expect(JSON.stringify(badNhs)).toContain('nhsNumber');
    expect(JSON.stringify(badNhs)).not.toContain('1234567890');
    expect(allocatedHr).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', field: 'clients' } });
    expect(unexempt).toMatchObject({ ok: false, error: { code: 'BAD_USER_INPUT', field: 'clients' } });
    expect(JSON.stringify(unexempt)).toContain('withholdingExemption');
    for (const refused of [pastRetention, closedBeforeOpened]) {
      expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_USER_INPUT', field: 'clients' } });
      expect(JSON.stringify(refused)).toContain('closedAt');
    }
    expect(endlessCover).toMatchObject({ ok: false, error: { code: 'BAD_USER_INPUT', field: 'clients' } });
    expect(JSON.stringify(endlessCover)).toContain('allocations.endsAt');
    expect(unknownPartner).toMatchObject({ ok: false, error: { code: 'BAD_USER_INPUT', field: 'clients' } });
    expect(JSON.stringify(unknownPartner)).toContain('consents.partner');
    expect(good).toMatchObject({ ok: true, alreadyImported: 0, rejections: [] });
    expect(badRun).toMatchObject({ ok: false, error: { code: 'BAD_USER_INPUT', field: 'runId' } });
    expect(unbegunBatch).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', field: 'runId' } });
    expect(unbegunFinish).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', field: 'runId' } });
    const platform = await api.services.platformAudit.list({ organisationId: world.org.orgId });
    expect(platform.filter((event) => event.operation === 'importRecords')).toEqual([]);
    // Only the good check read held records, and only it was recorded; no record was written.
    expect(platform.filter((event) => event.operation === 'checkImport')).toHaveLength(1);
    expect(await organisationItems(api, world.org.orgId)).toEqual(before);
  });

  it('an import through the stage runs under a manager’s authorisation, never under a name typed or a token handed over', async () => {
    // Prepare: the operator is signed in; the service's manager authorises the import through the API.
    const world = await importWorld(api);
    const from = mkdtempSync(join(folder, 'import-'));
    generateDataset(from, { clients: 2, notesPerClient: 1, worker: world.workerHandle, seed: 'n' });
    const operator = { CONFIDE_OPERATOR_TOKEN: await api.operatorToken('operator-1') };
    const workerAuthorising = await api.graphql(
      'mutation ($input: AuthoriseImportInput!) { authoriseImport(input: $input) { id } }',
      { token: world.worker.token, variables: { input: { serviceId: world.serviceId } } },
    );
    const authorisation = await authoriseImport(api, world.manager, world.serviceId);
    const before = await organisationItems(api, world.org.orgId, { includeAudit: true });

    // Act: the manager named; no authorisation at all; the manager's own access token handed over as if one.
    const named = await stage(importArgs(world, from), operator);
    const nobody = await stage(stageImportArgs(world, from), operator);
    const tokenHandedOver = await stage(stageImportArgs(world, from, world.manager.token), operator);
    const afterRefusals = await organisationItems(api, world.org.orgId, { includeAudit: true });
    const platformAfterRefusals = await api.services.platformAudit.list({ organisationId: world.org.orgId });
    const authorised = await stage(stageImportArgs(world, from, authorisation), operator);

    // Assess: a support worker may not authorise; refused, nothing written, until the manager's authorisation.
    expect(codes(workerAuthorising)).toEqual(['FORBIDDEN']);
    expect(named.code, named.stdout).toBe(1);
    expect(named.stderr).toContain('--as');
    expect(named.stderr).toContain('--authorisation');
    expect(nobody.code, nobody.stdout).toBe(1);
    expect(nobody.stderr).toContain('--authorisation');
    expect(tokenHandedOver.code, tokenHandedOver.stdout).toBe(1);
    expect(tokenHandedOver.stderr).toContain('--authorisation:');
    expect(tokenHandedOver.stderr).toContain('(AUTHORISATION_NOT_FOUND)');
    expect(tokenHandedOver.stderr).not.toContain(world.manager.token);
    expect(afterRefusals).toEqual(before);
    expect(platformAfterRefusals.filter((event) => event.operation === 'importRecords')).toEqual([]);
    expect(authorised.code, authorised.stderr).toBe(0);
    expect(authorised.stdout).toContain(`by ${world.managerHandle}, in qa)`);
    // The records are the manager's writes in the organisation's audit; the operator is the processor, named in the
    // platform audit only.
    const scope = tenantScope(world.org.orgId);
    const byManager = (
      await api.services.auditLog.byActor(scope, world.manager.staffId, { limit: 100 })
    ).filter((event) => event.operation.startsWith('import'));
    expect(byManager.filter((event) => event.operation === 'importRun')).toHaveLength(2);
    expect(byManager.filter((event) => event.operation === 'importServiceUser')).toHaveLength(2);
    expect(
      (await api.services.auditLog.byActor(scope, 'operator-1', { limit: 100 })).filter((event) =>
        event.operation.startsWith('import'),
      ),
    ).toEqual([]);
    const runs = (await api.services.platformAudit.list({ organisationId: world.org.orgId })).filter(
      (event) => event.operation === 'importRecords',
    );
    expect(runs.map((event) => [event.actor.kind, event.actor.id, event.outcome]).sort()).toEqual([
      ['OPERATOR', 'operator-1', 'ALLOWED'],
      ['OPERATOR', 'operator-1', 'COMPLETED'],
    ]);
  });

  it('the function imports only under an authorisation in force for this organisation and service, whose grantor still has the standing', async () => {
    // Prepare: the world's service and a second one of the same manager; another organisation; two more managers of
    // the service, one to be deactivated and one to lose the role.
    const world = await importWorld(api);
    const other = await importWorld(api);
    const secondService = await createService(api, world, world.manager);
    const deactivated = await anotherManager(api, world);
    const demoted = await anotherManager(api, world, ['SERVICE_MANAGER', 'SUPPORT_WORKER']);
    const operatorToken = await api.operatorToken('operator-1');
    const call = (operation: string, input: Record<string, unknown>, services = api.services) =>
      runTransfer(
        { services, authenticator: new Authenticator(api.services) },
        { operation, token: operatorToken, input },
      );
    const who = (authorisation?: string) => ({
      slug: world.org.slug,
      service: localIdOf(world.serviceId),
      ...(authorisation === undefined ? {} : { authorisation }),
    });
    const mapping = {
      sourceSystem: 'authorised',
      dateFormat: 'YYYY-MM-DD',
      clients: { file: 'clients.csv', columns: { sourceId: 'Id', name: 'Name', dateOfBirth: 'DOB' } },
      noteTypes: {},
    };
    const clients = [
      {
        line: 2,
        sourceId: 'C-1',
        details: { name: 'Authorised Person', dateOfBirth: '1980-01-01' },
        allocations: [],
        consents: [],
        notes: [],
      },
    ];
    const inForce = await authoriseImport(api, world.manager, world.serviceId);
    const forSecondService = await authoriseImport(api, world.manager, secondService);
    const ofOtherOrganisation = await authoriseImport(api, other.manager, other.serviceId);
    const toAlter = await authoriseImport(api, world.manager, world.serviceId, 30);
    const toWithdraw = await authoriseImport(api, world.manager, world.serviceId);
    const ofDeactivated = await authoriseImport(api, deactivated, world.serviceId);
    const ofDemoted = await authoriseImport(api, demoted, world.serviceId);
    // In force before anything changes.
    const beforeChanges = await Promise.all(
      [inForce, toAlter, toWithdraw, ofDeactivated, ofDemoted].map((id) => call('import.context', who(id))),
    );
    // Withdrawn by its grantor; a manager deactivated, another's management role taken; one extended in the table.
    expectNoErrors(
      await api.graphql(
        'mutation ($input: WithdrawImportAuthorisationInput!) { withdrawImportAuthorisation(input: $input) { id } }',
        { token: world.manager.token, variables: { input: { authorisationId: toWithdraw } } },
      ),
    );
    expectNoErrors(
      await api.graphql('mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }', {
        token: world.org.adminToken,
        variables: { id: deactivated.globalId },
      }),
    );
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { removeRoles(input: { staffId: $id, roles: [SERVICE_MANAGER] }) { roles } }',
        { token: world.org.adminToken, variables: { id: demoted.globalId } },
      ),
    );
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.services.config.tables.data,
        Key: {
          pk: { S: `ORG#${world.org.orgId}#IMPORT_AUTHORISATIONS` },
          sk: { S: toAlter },
        },
        UpdateExpression: 'SET validUntil = :later',
        ExpressionAttributeValues: { ':later': { S: new Date(Date.now() + 20 * 3_600_000).toISOString() } },
      }),
    );
    // Five hours on, past the default four.
    const later = testApi({ clock: { now: () => new Date(Date.now() + 5 * 3_600_000) } });
    const beforeRefusals = await organisationItems(api, world.org.orgId, { includeAudit: true });

    // Act
    const missing = await call('import.check', { ...who(), mapping, clients });
    const forged = await call('import.check', { ...who(newId('importAuthorisation')), mapping, clients });
    const malformed = await call('import.begin', { ...who('not-an-authorisation'), mapping });
    const staffToken = await call('import.begin', { ...who(world.manager.token), mapping });
    const otherOrganisation = await call('import.check', { ...who(ofOtherOrganisation), mapping, clients });
    const otherService = await call('import.check', { ...who(forSecondService), mapping, clients });
    const altered = await call('import.check', { ...who(toAlter), mapping, clients });
    const withdrawn = await call('import.begin', { ...who(toWithdraw), mapping });
    const expired = await call('import.check', { ...who(inForce), mapping, clients }, later.services);
    const grantorDeactivated = await call('import.check', { ...who(ofDeactivated), mapping, clients });
    const grantorDemoted = await call('import.begin', { ...who(ofDemoted), mapping });
    // A name and a staff token in the request are not read: the importer is the authorisation's grantor.
    const named = await call('import.context', {
      ...who(inForce),
      as: world.workerHandle,
      importerToken: world.worker.token,
    });

    // Assess: each refused with its own code, naming --authorisation's field, and nothing written.
    expect(beforeChanges.map((answer) => answer.ok)).toEqual([true, true, true, true, true]);
    const refusal = (code: string) => ({ ok: false, error: { code, field: 'authorisation' } });
    expect(missing).toMatchObject(refusal('AUTHORISATION_REQUIRED'));
    expect(forged).toMatchObject(refusal('AUTHORISATION_NOT_FOUND'));
    expect(malformed).toMatchObject(refusal('AUTHORISATION_NOT_FOUND'));
    expect(staffToken).toMatchObject(refusal('AUTHORISATION_NOT_FOUND'));
    expect(otherOrganisation).toMatchObject(refusal('AUTHORISATION_NOT_FOUND'));
    expect(otherService).toMatchObject(refusal('AUTHORISATION_NOT_FOR_SERVICE'));
    expect(altered).toMatchObject(refusal('AUTHORISATION_TAMPERED'));
    expect(withdrawn).toMatchObject(refusal('AUTHORISATION_WITHDRAWN'));
    expect(expired).toMatchObject(refusal('AUTHORISATION_EXPIRED'));
    expect(grantorDeactivated).toMatchObject(refusal('AUTHORISATION_GRANTOR_INACTIVE'));
    expect(grantorDemoted).toMatchObject(refusal('AUTHORISATION_GRANTOR_NOT_PERMITTED'));
    expect(named).toMatchObject({
      ok: true,
      operator: { staffId: world.manager.staffId, handle: world.managerHandle },
      authorisation: { authorisationId: inForce },
    });
    // The altered authorisation is an integrity incident; apart from it, nothing was written or recorded.
    await expectTamperedState(api, world.org.orgId, 'IMPORT_AUTHORISATION', world.manager.staffId);
    const withoutIncidents = (items: Awaited<ReturnType<typeof organisationItems>>) =>
      items.filter(({ item }) => !(item.pk?.S ?? '').endsWith('#INTEGRITY'));
    expect(withoutIncidents(await organisationItems(api, world.org.orgId, { includeAudit: true }))).toEqual(
      withoutIncidents(beforeRefusals),
    );
    const platform = await api.services.platformAudit.list({ organisationId: world.org.orgId });
    expect(
      platform.filter((event) => event.operation === 'importRecords' || event.operation === 'checkImport'),
    ).toEqual([]);
  });

  it('the stage’s dry run is recorded first: the operator in the platform audit, the importer in the organisation’s', async () => {
    // Prepare: a person already held, whom the duplicate check opens; two checks, as the CLI sends them.
    const world = await importWorld(api);
    await registerServiceUser(api, world.manager, world.serviceId, HELD);
    const operatorToken = await api.operatorToken('operator-1');
    const authorisation = await authoriseImport(api, world.manager, world.serviceId);
    const check = (clients: Record<string, unknown>[], services = api.services) =>
      runTransfer(
        { services, authenticator: new Authenticator(api.services) },
        {
          operation: 'import.check',
          token: operatorToken,
          input: {
            slug: world.org.slug,
            service: localIdOf(world.serviceId),
            authorisation,
            mapping: {
              sourceSystem: 'checked',
              dateFormat: 'YYYY-MM-DD',
              clients: {
                file: 'clients.csv',
                columns: { sourceId: 'Id', name: 'Name', dateOfBirth: 'DOB', nhsNumber: 'NHS' },
              },
              noteTypes: {},
            },
            clients,
          },
        },
      );
    const person = (sourceId: string, details: Record<string, string>) => ({
      line: 2,
      sourceId,
      details,
      allocations: [],
      consents: [],
      notes: [],
    });
    const scope = tenantScope(world.org.orgId);
    const before = await organisationItems(api, world.org.orgId);

    // A platform audit that cannot be written: the check must not read, nor answer, without its record. What it
    // would read of the held people (the duplicate check's candidates and profiles) is noted, call by call.
    const reads: string[] = [];
    const serviceUsers = new Proxy(api.services.serviceUsers, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          reads.push(String(property));
          return value.apply(target, args);
        };
      },
    });
    const unrecorded = {
      ...api.services,
      serviceUsers,
      platformAudit: Object.assign(Object.create(api.services.platformAudit), {
        record: () => Promise.reject(new Error('platform audit unavailable')),
      }),
    };

    // Act
    const fresh = await check([person('C-1', { name: 'Newly Arrived', dateOfBirth: '1990-03-03' })]);
    const held = await check([person('C-2', HELD)]);
    const failed = await check([person('C-3', HELD)], unrecorded).catch((error: Error) => error);

    // Assess: checked as before; one platform event and one organisation event per check, naming the same check.
    expect(fresh).toMatchObject({ ok: true, rejections: [], counts: { clients: 1 } });
    expect(held).toMatchObject({ ok: true, rejections: [{ reason: 'DUPLICATE_OF_HELD_RECORD' }] });
    expect(failed).toBeInstanceOf(Error);
    expect(reads, 'held people read before the check was recorded').toEqual([]);
    const platform = (await api.services.platformAudit.list({ organisationId: world.org.orgId })).filter(
      (event) => event.operation === 'checkImport',
    );
    expect(platform).toHaveLength(2);
    for (const event of platform) {
      expect(event).toMatchObject({
        actor: { kind: 'OPERATOR', id: 'operator-1' },
        outcome: 'ALLOWED',
        rule: 'platform.organisation.import',
      });
      expect(event.requestId).toMatch(/^import-check-[0-9a-f-]{36}$/);
    }
    const events = (await api.services.auditLog.byActor(scope, world.manager.staffId, { limit: 100 })).filter(
      (event) => event.operation === 'importCheck',
    );
    expect(events).toHaveLength(2);
    expect(events.map((event) => event.requestId).sort()).toEqual(
      platform.map((event) => event.requestId).sort(),
    );
    for (const event of events) {
      expect(event).toMatchObject({
        action: 'ADMIN',
        actor: { kind: 'STAFF', id: world.manager.staffId },
        subjectId: undefined,
        classifications: ['IDENTIFYING'],
        outcome: 'ALLOWED',
        rule: 'import.check',
        items: [event.requestId],
      });
      const text = JSON.stringify(event);
      for (const value of [HELD.name, HELD.nhsNumber, HELD.dateOfBirth, 'Newly Arrived'])
        expect(text).not.toContain(value);
    }
    // Nothing but the audit was written.
    expect(await organisationItems(api, world.org.orgId)).toEqual(before);
  });

  it('refuses an import into an organisation whose policy is not set up, writing nothing', async () => {
    // Prepare
    const unpublished = await importWorld(api, { publishPolicy: false });
    const from = mkdtempSync(join(folder, 'import-'));
    generateDataset(from, { clients: 2, notesPerClient: 1, worker: unpublished.workerHandle, seed: 's' });
    const operator = { CONFIDE_OPERATOR_TOKEN: await api.operatorToken('operator-1') };
    const before = await organisationItems(api, unpublished.org.orgId, { includeAudit: true });

    // Act: the manager asks for an authorisation, which an import with no policy published could not use; the
    // operator tries with an id nobody gave.
    const asked = await api.graphql(
      'mutation ($input: AuthoriseImportInput!) { authoriseImport(input: $input) { id } }',
      { token: unpublished.manager.token, variables: { input: { serviceId: unpublished.serviceId } } },
    );
    const refused = await stage(stageImportArgs(unpublished, from, newId('importAuthorisation')), operator);

    // Assess: no authorisation is given, the import is refused, and nothing of the organisation's is written.
    expect(codes(asked)).toEqual(['CONFLICT']);
    expect(asked.errors?.[0]?.message).toContain('no confidentiality policy yet');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('AUTHORISATION_NOT_FOUND');
    expect(await organisationItems(api, unpublished.org.orgId, { includeAudit: true })).toEqual(before);
  });
});
