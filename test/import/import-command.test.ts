import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ItemLoader, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { startDynamoDbWriteGate } from '../support/dynamodb-write-gate';
import { addStaff } from '../support/fixtures';
import { globalId, organisationItems } from '../support/records-fixtures';
import { testApi } from '../support/test-api';
import { CANARY, generateDataset, nhsNumberFor } from './dataset';
import { importArgs, importWorld, runCli, serviceClientIds, startCli } from './import-support';

/**
 * Issue 21, "Done when": a generated data set with deliberate bad rows goes through the real `confide import`
 * against the local stack. The dry run writes nothing and reports every bad row; the real run imports the good rows,
 * is killed midway and resumed with no duplicate; the records read back through the GraphQL API as if created
 * through it, with need-to-know and audit applied; and no canary value reaches the logs or the report.
 */

const HELD = { name: 'Held Person Already', dateOfBirth: '1975-05-05', nhsNumber: nhsNumberFor(777_777) };

function reportRows(folder: string): string[] {
  return readFileSync(join(folder, 'import-rejections.csv'), 'utf8').trim().split('\n').slice(1).sort();
}

describe('confide import', { timeout: 300_000 }, () => {
  const api = testApi();

  it('the dry run writes nothing and reports every bad row by file, line, column and reason, never a value', async () => {
    // Prepare
    const world = await importWorld(api);
    await registerServiceUser(api, world.manager, world.serviceId, HELD);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const dataset = generateDataset(folder, {
      clients: 12,
      notesPerClient: 3,
      worker: world.workerHandle,
      manager: world.managerHandle,
      held: HELD,
      badRows: true,
    });
    const before = await organisationItems(api, world.org.orgId, { includeAudit: true });

    // Act
    const result = await runCli(api, [...importArgs(world, folder), '--dry-run']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Dry run: nothing written');
    expect(result.stdout).toContain(
      'a real run would import 12 clients, 12 allocations, 12 consents, 36 notes',
    );
    const after = await organisationItems(api, world.org.orgId, { includeAudit: true });
    expect(after).toEqual(before);
    const expected = dataset.expectedRejections
      .map((r) => [r.file, String(r.line), r.column, r.reason].join(','))
      .sort();
    expect(reportRows(folder)).toEqual(expected);
    const report = readFileSync(join(folder, 'import-rejections.csv'), 'utf8');
    for (const text of [result.stdout, result.stderr, report]) {
      expect(text.toLowerCase()).not.toContain(CANARY.toLowerCase());
      expect(text).not.toContain(HELD.nhsNumber);
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('imports the good rows; killed midway and run again, it finishes with no duplicate', async () => {
    // Prepare
    const world = await importWorld(api);
    await registerServiceUser(api, world.manager, world.serviceId, HELD);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const dataset = generateDataset(folder, {
      clients: 60,
      notesPerClient: 4,
      worker: world.workerHandle,
      held: HELD,
      badRows: true,
    });

    // Act: kill the import (SIGKILL, no clean-up) once some of its clients are in the table, then run it again. Its
    // writes pass one at a time through a gate in front of DynamoDB Local, so it is stopped between two writes
    // whatever the machine's speed (polling the table while it ran, a fast run could finish between two polls).
    const gate = await startDynamoDbWriteGate(api.stack.dynamodbEndpoint);
    const first = startCli(
      { ...api, stack: { ...api.stack, dynamodbEndpoint: gate.endpoint } },
      importArgs(world, folder),
    );
    const firstExit = new Promise<number | string>((resolve) =>
      first.child.on('exit', (code, signal) => resolve(signal ?? code ?? -1)),
    );
    let visibleAtKill = 0;
    for (;;) {
      visibleAtKill = (await serviceClientIds(api, world)).length - 1;
      if (visibleAtKill >= 10 || first.child.exitCode !== null) break;
      await Promise.race([gate.releaseOne(), firstExit]);
    }
    first.child.kill('SIGKILL');
    const killed = await firstExit;
    await gate.stop();
    const resumed = await runCli(api, importArgs(world, folder));
    const again = await runCli(api, importArgs(world, folder));

    // Assess: interrupted before it finished; the resumed run completes; a third run writes nothing more.
    expect(killed).toBe('SIGKILL');
    expect(visibleAtKill).toBeLessThan(dataset.goodClients.length);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Imported 0 clients, 0 allocations, 0 consents, 0 notes');
    expect(again.stdout).toContain(
      `${dataset.goodClients.length} clients were imported before and were skipped`,
    );
    const ids = await serviceClientIds(api, world);
    expect(ids).toHaveLength(dataset.goodClients.length + 1);
    const scope = tenantScope(world.org.orgId);
    const notesPerClient = await Promise.all(
      ids.map(async (id) => {
        const loader = new ItemLoader(api.services.dynamo, api.services.keys);
        const notes = await api.services.caseNotes.list(scope, id, loader);
        const consents = await api.services.consents.list(scope, id);
        const profile = await api.services.serviceUsers.get(scope, id, loader);
        return {
          notes: notes.length,
          consents: consents.length,
          allocations: profile?.allocations.length ?? 0,
        };
      }),
    );
    const imported = notesPerClient.filter((counts) => counts.notes > 0);
    expect(imported).toHaveLength(dataset.goodClients.length);
    for (const counts of imported) expect(counts).toEqual({ notes: 4, consents: 1, allocations: 1 });
    for (const text of [first.output(), resumed.stdout, resumed.stderr, again.stdout, again.stderr]) {
      expect(text.toLowerCase()).not.toContain(CANARY.toLowerCase());
    }
    expect(resumed.stderr).toMatch(/import: \d+\/\d+ clients \(\d+%\), \d+ records, /);
    rmSync(folder, { recursive: true, force: true });
  });

  it('imported records read back through the API as if created through it: need-to-know and audit applied', async () => {
    // Prepare
    const world = await importWorld(api);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const dataset = generateDataset(folder, {
      clients: 3,
      notesPerClient: 6,
      worker: world.workerHandle,
      seed: 'r',
    });
    const result = await runCli(api, importArgs(world, folder));
    expect(result.code, result.stderr).toBe(0);
    const runId = /run (imp_[a-z2-7]{26})/.exec(result.stdout)?.[1];
    expect(runId).toBeDefined();
    const outsider = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const version = (await api.services.directory.organisation(world.org.orgId))?.policyVersion;
    expectNoErrors(
      await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
        token: outsider.token,
        variables: { v: version },
      }),
    );
    const [first] = dataset.goodClients;
    const clientIds = await serviceClientIds(api, world);
    const scope = tenantScope(world.org.orgId);
    const loader = new ItemLoader(api.services.dynamo, api.services.keys);
    let clientId = '';
    for (const id of clientIds) {
      const record = await api.services.serviceUsers.get(scope, id, loader);
      const key = await loader.subjectKey(scope.orgId, id);
      if (record && key && api.services.serviceUsers.openDetail(key, record, 'name') === first?.name)
        clientId = id;
    }
    const id = globalId('ServiceUser', clientId);
    const READ = `query ($id: ID!) { serviceUser(id: $id) { name dateOfBirth nhsNumber postcode
      allocations { kind staffId } notes { edges { node { kind ... on CareNote { body } ... on HealthNote { body } } } } } }`;

    // Act
    const asWorker = await api.graphql<{
      serviceUser: {
        name: string;
        dateOfBirth: string;
        nhsNumber: string;
        postcode: string;
        allocations: { kind: string; staffId: string }[];
        notes: { edges: { node: { kind: string; body?: string | null } }[] };
      };
    }>(READ, { token: world.worker.token, variables: { id } });
    const asOutsider = await api.graphql(READ, { token: outsider.token, variables: { id } });
    const log = await api.graphql<{
      accessLog: {
        edges: { node: { operation: string; actorId: string; action: string; items: string[] } }[];
      };
    }>(
      'query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node { operation actorId action items } } } }',
      { token: world.igLead.token, variables: { id } },
    );
    const runEvents = await api.graphql<{
      staffAccessReport: { edges: { node: { operation: string; action: string; items: string[] } }[] };
    }>(
      'query ($s: ID!) { staffAccessReport(staffId: $s, first: 200) { edges { node { operation action items } } } }',
      { token: world.igLead.token, variables: { s: world.manager.globalId } },
    );

    // Assess: the allocated worker reads what the matrix gives them, decrypted; someone with no relationship is
    // told nothing exists; the IG lead sees one event per imported record naming the run and the operator.
    expectNoErrors(asWorker);
    expect(asWorker.data?.serviceUser).toMatchObject({
      name: first?.name,
      dateOfBirth: first?.dateOfBirth,
      nhsNumber: first?.nhsNumber,
      postcode: 'LS1 4AB',
      allocations: [{ kind: 'PRIMARY', staffId: world.worker.globalId }],
    });
    const careBodies = asWorker.data?.serviceUser.notes.edges
      .map((edge) => edge.node)
      .filter((note) => ['DAILY_SUPPORT', 'SUPPORT_PLAN', 'ASSESSMENT'].includes(note.kind));
    expect(careBodies).toHaveLength(3);
    for (const note of careBodies ?? []) expect(note.body).toContain(`${CANARY} note`);
    expect(asOutsider.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expectNoErrors(log);
    const imports = (log.data?.accessLog.edges ?? [])
      .map((edge) => edge.node)
      .filter((e) => e.operation.startsWith('import'));
    expect(imports.map((e) => e.operation).sort()).toEqual(
      ['importAllocation', 'importConsent', 'importServiceUser', ...Array(6).fill('importNote')].sort(),
    );
    for (const event of imports) {
      expect(event).toMatchObject({ action: 'WRITE', actorId: world.manager.staffId });
      expect(event.items).toContain(runId);
    }
    expectNoErrors(runEvents);
    const run = (runEvents.data?.staffAccessReport.edges ?? [])
      .map((edge) => edge.node)
      .filter((e) => e.operation === 'importRun');
    expect(run).toHaveLength(2);
    for (const event of run) expect(event).toMatchObject({ action: 'ADMIN', items: [runId] });
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs only into an organisation whose policy and roles are set up, writing nothing otherwise', async () => {
    // Prepare
    const unpublished = await importWorld(api, { publishPolicy: false });
    const ready = await importWorld(api);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    generateDataset(folder, { clients: 2, notesPerClient: 1, worker: ready.workerHandle, seed: 's' });
    const before = [
      await organisationItems(api, unpublished.org.orgId, { includeAudit: true }),
      await organisationItems(api, ready.org.orgId, { includeAudit: true }),
    ];

    // Act
    const noPolicy = await runCli(api, importArgs(unpublished, folder));
    const notManager = await runCli(api, importArgs({ ...ready, managerHandle: ready.workerHandle }, folder));

    // Assess
    expect(noPolicy.code).toBe(1);
    expect(noPolicy.stderr).toContain('no confidentiality policy yet');
    expect(notManager.code).toBe(1);
    expect(notManager.stderr).toContain('may not register clients in this service');
    expect(await organisationItems(api, unpublished.org.orgId, { includeAudit: true })).toEqual(before[0]);
    expect(await organisationItems(api, ready.org.orgId, { includeAudit: true })).toEqual(before[1]);
    rmSync(folder, { recursive: true, force: true });
  });
});
