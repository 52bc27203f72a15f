import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportRecords, ItemLoader, TenantTable, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { globalId } from '../support/records-fixtures';
import type { TestApi } from '../support/test-api';
import { testApi } from '../support/test-api';
import { CANARY, nhsNumberFor } from './dataset';
import { type ImportWorld, importArgs, importWorld, runCli, serviceClientIds } from './import-support';

/**
 * Decision 0143: a rerun of an import, resumed after an interruption or run again on the same files, never undoes what
 * was done in the application after the import wrote it (an allocation a manager ended, a case a manager reopened),
 * and a row of a client imported before that the charity corrected since is reported by file, row and column, never
 * skipped in silence.
 */

const quoted = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const csv = (rows: string[][]) => `${rows.map((row) => row.map(quoted).join(',')).join('\n')}\n`;
const SOURCE_SYSTEM = 'rerun';

interface SourceClient {
  readonly id: string;
  readonly name: string;
  readonly dateOfBirth: string;
  readonly postcode: string;
  /** A closure date (DD/MM/YYYY): the case is closed. */
  readonly closedOn?: string;
}

interface SourceNote {
  readonly id: string;
  readonly client: string;
  readonly body: string;
}

interface SourceConsent {
  readonly id: string;
  readonly client: string;
  /** Confide's own scope name (a client's consents differ in scope). */
  readonly scope: 'FAMILY' | 'GP';
}

/**
 * The charity's files and mapping: clients (open or closed), each allocated to the worker, with its notes, and its
 * consents when any are given (else no consents file).
 */
function writeFiles(
  folder: string,
  world: ImportWorld,
  clients: readonly SourceClient[],
  notes: readonly SourceNote[],
  consents: readonly SourceConsent[] = [],
): void {
  writeFileSync(
    join(folder, 'clients.csv'),
    csv([
      ['Client ID', 'Full name', 'Date of birth', 'NHS number', 'Postcode', 'Status', 'Closed on'],
      ...clients.map((client, index) => [
        client.id,
        client.name,
        client.dateOfBirth,
        nhsNumberFor(880_000 + index),
        client.postcode,
        client.closedOn ? 'Closed' : 'Open',
        client.closedOn ?? '',
      ]),
    ]),
  );
  writeFileSync(
    join(folder, 'allocations.csv'),
    csv([
      ['Client ID', 'Worker login', 'Type'],
      ...clients.map((client) => [client.id, world.workerHandle, 'PRIMARY']),
    ]),
  );
  writeFileSync(
    join(folder, 'notes.csv'),
    csv([
      ['Note ID', 'Client ID', 'Note type', 'Text', 'Author login'],
      ...notes.map((note) => [note.id, note.client, 'Daily log', note.body, world.workerHandle]),
    ]),
  );
  if (consents.length > 0) {
    writeFileSync(
      join(folder, 'consents.csv'),
      csv([
        ['Consent ID', 'Client ID', 'Share with', 'How given', 'Given by'],
        ...consents.map((consent) => [consent.id, consent.client, consent.scope, 'SIGNED_FORM', 'CLIENT']),
      ]),
    );
  }
  writeFileSync(
    join(folder, 'confide-import.json'),
    JSON.stringify({
      sourceSystem: SOURCE_SYSTEM,
      dateFormat: 'DD/MM/YYYY',
      clients: {
        file: 'clients.csv',
        columns: {
          sourceId: 'Client ID',
          name: 'Full name',
          dateOfBirth: 'Date of birth',
          nhsNumber: 'NHS number',
          postcode: 'Postcode',
          caseStatus: 'Status',
          closedAt: 'Closed on',
        },
        values: { caseStatus: { Open: 'OPEN', Closed: 'CLOSED' } },
      },
      allocations: {
        file: 'allocations.csv',
        columns: { clientSourceId: 'Client ID', staffHandle: 'Worker login', kind: 'Type' },
      },
      ...(consents.length > 0
        ? {
            consents: {
              file: 'consents.csv',
              columns: {
                sourceId: 'Consent ID',
                clientSourceId: 'Client ID',
                scope: 'Share with',
                method: 'How given',
                givenBy: 'Given by',
              },
            },
          }
        : {}),
      notes: {
        file: 'notes.csv',
        columns: {
          sourceId: 'Note ID',
          clientSourceId: 'Client ID',
          type: 'Note type',
          body: 'Text',
          author: 'Author login',
        },
      },
      noteTypes: { 'Daily log': { kind: 'DAILY_SUPPORT', classification: 'CARE' } },
    }),
  );
}

/** Two years back, as the files write a date. */
function twoYearsAgo(): string {
  const at = new Date(Date.now() - 2 * 365 * 24 * 3600 * 1000);
  return `${String(at.getUTCDate()).padStart(2, '0')}/${String(at.getUTCMonth() + 1).padStart(2, '0')}/${at.getUTCFullYear()}`;
}

interface ReadClient {
  readonly version: number;
  readonly caseStatus: string;
  readonly closedAt: string | null;
  readonly postcode: string | null;
  readonly retention: { expiresAt: string | null } | null;
  readonly allocations: { allocationId: string; staffId: string }[];
  readonly notes: { edges: { node: { body?: string | null } }[] };
}

/** The person as their service's manager reads them through the API. */
async function readAsManager(api: TestApi, world: ImportWorld, clientId: string): Promise<ReadClient> {
  const response = await api.graphql<{ serviceUser: ReadClient }>(
    `query ($id: ID!) { serviceUser(id: $id) { version caseStatus closedAt postcode retention { expiresAt }
      allocations { allocationId staffId } notes { edges { node { ... on CareNote { body } } } } } }`,
    { token: world.manager.token, variables: { id: globalId('ServiceUser', clientId) } },
  );
  expectNoErrors(response);
  const client = response.data?.serviceUser;
  if (!client) throw new Error('The imported person cannot be read.');
  return client;
}

async function endAllocations(api: TestApi, world: ImportWorld, clientId: string): Promise<void> {
  for (const { allocationId } of (await readAsManager(api, world, clientId)).allocations) {
    expectNoErrors(
      await api.graphql('mutation ($input: EndAllocationInput!) { endAllocation(input: $input) { id } }', {
        token: world.manager.token,
        variables: { input: { serviceUserId: globalId('ServiceUser', clientId), allocationId } },
      }),
    );
  }
}

async function reopen(api: TestApi, world: ImportWorld, clientId: string): Promise<void> {
  const { version } = await readAsManager(api, world, clientId);
  expectNoErrors(
    await api.graphql('mutation ($input: ReopenCaseInput!) { reopenCase(input: $input) { caseStatus } }', {
      token: world.manager.token,
      variables: { input: { serviceUserId: globalId('ServiceUser', clientId), expectedVersion: version } },
    }),
  );
}

/** Whether the worker is told the person exists (an allocation gives them the record). */
async function workerSees(api: TestApi, world: ImportWorld, clientId: string): Promise<boolean> {
  const response = await api.graphql('query ($id: ID!) { serviceUser(id: $id) { id } }', {
    token: world.worker.token,
    variables: { id: globalId('ServiceUser', clientId) },
  });
  return !response.errors?.some((error) => error.extensions?.code === 'NOT_FOUND');
}

/** The import's own records of the world's organisation, and the row identity of a client's source id. */
async function importRecords(api: TestApi, world: ImportWorld) {
  const scope = tenantScope(world.org.orgId);
  const { dynamo, config, keys, clock } = api.services;
  const records = new ImportRecords(dynamo, config.tables.data, keys, clock);
  return {
    scope,
    records,
    rowKey: (sourceId: string) => records.rowKey(scope, SOURCE_SYSTEM, 'CLIENT', sourceId),
  };
}

/**
 * A client's row identity as a run before decision 0143 left it, written straight to the table: without what that
 * decision added to it (`contents`: what the rows said; `closingFrom`: the version a closure was made from).
 */
async function asLeftBefore0143(
  api: TestApi,
  world: ImportWorld,
  sourceId: string,
  attributes: readonly ('contents' | 'closingFrom')[],
): Promise<void> {
  const { scope, records, rowKey } = await importRecords(api, world);
  const key = await rowKey(sourceId);
  const gateway = new TenantTable(scope, api.services.dynamo, api.services.config.tables.data);
  const result = await gateway.update(
    { pk: scope.key('IMPORT-ROW', key), sk: 'IMPORT-ROW' },
    { UpdateExpression: `REMOVE ${attributes.join(', ')}`, ConditionExpression: 'attribute_exists(pk)' },
  );
  expect(result.written).toBe(true);
  const row = (await records.rows(scope, [key])).get(key);
  for (const attribute of attributes) expect(row?.[attribute]).toBeUndefined();
}

function reportRows(folder: string): string[] {
  return readFileSync(join(folder, 'import-rejections.csv'), 'utf8').trim().split('\n').slice(1).sort();
}

describe('confide import: a rerun keeps what was done in the application since', { timeout: 300_000 }, () => {
  const api = testApi();

  it('interrupted once its clients were written, a rerun does not re-grant an allocation a manager ended meanwhile', async () => {
    // Prepare: a run stopped once its client is written and audited, before its row is DONE; the manager then ends the
    // worker's allocation in the application.
    const world = await importWorld(api);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    writeFiles(
      folder,
      world,
      [{ id: 'C1', name: 'Ended Allocation Person', dateOfBirth: '02/03/1980', postcode: 'LS1 4AB' }],
      [{ id: 'N1', client: 'C1', body: 'First visit' }],
    );
    const stopped = await runCli(api, importArgs(world, folder), { CONFIDE_IMPORT_STOP: 'before-done' });
    expect(stopped.code, stopped.stderr).toBe(75);
    const [clientId = ''] = await serviceClientIds(api, world);
    await endAllocations(api, world, clientId);
    expect(await workerSees(api, world, clientId)).toBe(false);

    // Act
    const resumed = await runCli(api, importArgs(world, folder));
    const again = await runCli(api, importArgs(world, folder));

    // Assess: the allocation stays ended (the worker still has no access); the resumed run audited what the stopped
    // one wrote, and a third run writes nothing.
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(again.code, again.stderr).toBe(0);
    expect((await readAsManager(api, world, clientId)).allocations, 'allocations after the rerun').toEqual(
      [],
    );
    expect(await workerSees(api, world, clientId)).toBe(false);
    expect(resumed.stdout).toContain('Imported 1 client, 1 allocation, 0 consents, 1 note');
    expect(again.stdout).toContain('Imported 0 clients, 0 allocations, 0 consents, 0 notes');
    const operations = (
      await api.services.auditLog.bySubject(tenantScope(world.org.orgId), clientId, { limit: 100 })
    )
      .map((event) => event.operation)
      .filter((operation) => operation.startsWith('import'));
    expect(new Set(operations)).toEqual(new Set(['importServiceUser', 'importAllocation', 'importNote']));
    rmSync(folder, { recursive: true, force: true });
  });

  it('interrupted once its closed case was written, a rerun does not close it again after a manager reopened it', async () => {
    // Prepare: a closed case written (and scheduled) by a run stopped before its row is DONE; the manager reopens it.
    const world = await importWorld(api);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    writeFiles(
      folder,
      world,
      [
        {
          id: 'C1',
          name: 'Reopened Case Person',
          dateOfBirth: '02/03/1981',
          postcode: 'LS1 4AB',
          closedOn: twoYearsAgo(),
        },
      ],
      [{ id: 'N1', client: 'C1', body: 'Last visit before closing' }],
    );
    const stopped = await runCli(api, importArgs(world, folder), { CONFIDE_IMPORT_STOP: 'before-done' });
    expect(stopped.code, stopped.stderr).toBe(75);
    const [clientId = ''] = await serviceClientIds(api, world);
    expect((await readAsManager(api, world, clientId)).caseStatus).toBe('CLOSED');
    await reopen(api, world, clientId);

    // Act
    const resumed = await runCli(api, importArgs(world, folder));
    const again = await runCli(api, importArgs(world, folder));

    // Assess: the case is as the manager left it: open, undated, its records off any retention schedule.
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(again.code, again.stderr).toBe(0);
    const after = await readAsManager(api, world, clientId);
    expect(after.caseStatus, 'case status after the rerun').toBe('OPEN');
    expect(after.closedAt).toBeNull();
    expect(after.retention?.expiresAt ?? null).toBeNull();
    const scope = tenantScope(world.org.orgId);
    const notes = await api.services.caseNotes.list(
      scope,
      clientId,
      new ItemLoader(api.services.dynamo, api.services.keys),
    );
    expect(notes.map((note) => note.expiresAt)).toEqual([undefined]);
    rmSync(folder, { recursive: true, force: true });
  });

  it('completing a client an older run claimed without ids, a rerun re-grants no ended allocation and re-closes no reopened case', async () => {
    // Prepare: the client's row claimed as a run of the import before decision 0032's fixed ids claimed it (no ids),
    // then a run that registers and completes it record by record, stopped before its audit; the manager ends the
    // allocation and reopens the case.
    const world = await importWorld(api);
    const scope = tenantScope(world.org.orgId);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    writeFiles(
      folder,
      world,
      [
        {
          id: 'C1',
          name: 'Older Claim Person',
          dateOfBirth: '02/03/1982',
          postcode: 'LS1 4AB',
          closedOn: twoYearsAgo(),
        },
      ],
      [{ id: 'N1', client: 'C1', body: 'Visit' }],
    );
    const { dynamo, config, keys, clock } = api.services;
    const records = new ImportRecords(dynamo, config.tables.data, keys, clock);
    const rowKey = await records.rowKey(scope, SOURCE_SYSTEM, 'CLIENT', 'C1');
    expect(await records.claim(scope, 'imp_older', [rowKey])).not.toBe(false);
    const stopped = await runCli(api, importArgs(world, folder), { CONFIDE_IMPORT_STOP: 'before-audit' });
    expect(stopped.code, stopped.stderr).toBe(75);
    const [clientId = ''] = await serviceClientIds(api, world);
    const written = await readAsManager(api, world, clientId);
    expect(written).toMatchObject({
      caseStatus: 'CLOSED',
      allocations: [{ staffId: world.worker.globalId }],
    });
    await endAllocations(api, world, clientId);
    await reopen(api, world, clientId);

    // Act
    const resumed = await runCli(api, importArgs(world, folder));

    // Assess
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await readAsManager(api, world, clientId);
    expect(after.allocations, 'allocations after the rerun').toEqual([]);
    expect(after.caseStatus, 'case status after the rerun').toBe('OPEN');
    expect(after.retention?.expiresAt ?? null).toBeNull();
    expect((await records.rows(scope, [rowKey])).get(rowKey)?.state).toBe('DONE');
    rmSync(folder, { recursive: true, force: true });
  });

  it('completing a client a run before 0143 closed and left unrecorded, a rerun closes no reopened case but reports it; a case it never closed is closed', async () => {
    // Prepare: C1 as a run before decision 0143 left it: claimed without ids, registered, closed and stopped before its
    // audit, its row naming no closure version; the manager then reopens the case. C2 as such a run left it when it
    // stopped after registering the person, before closing the case.
    const world = await importWorld(api);
    const { scope, records, rowKey } = await importRecords(api, world);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const reopened = {
      id: 'C1',
      name: 'Reopened Older Person',
      dateOfBirth: '02/03/1987',
      postcode: 'LS1 4AB',
      closedOn: twoYearsAgo(),
    };
    const neverClosed = {
      id: 'C2',
      name: 'Never Closed Person',
      dateOfBirth: '02/03/1988',
      postcode: 'LS2 7EY',
      closedOn: twoYearsAgo(),
    };
    writeFiles(folder, world, [reopened], [{ id: 'N1', client: 'C1', body: 'Visit' }]);
    const firstKey = await rowKey('C1');
    expect(await records.claim(scope, 'imp_older', [firstKey])).not.toBe(false);
    const stopped = await runCli(api, importArgs(world, folder), { CONFIDE_IMPORT_STOP: 'before-audit' });
    expect(stopped.code, stopped.stderr).toBe(75);
    await asLeftBefore0143(api, world, 'C1', ['closingFrom']);
    const [firstId = ''] = await serviceClientIds(api, world);
    expect((await readAsManager(api, world, firstId)).caseStatus).toBe('CLOSED');
    await reopen(api, world, firstId);
    const secondKey = await rowKey('C2');
    expect(await records.claim(scope, 'imp_older', [secondKey])).not.toBe(false);
    const { clientId: secondId } = await api.services.serviceUsers.register(scope, {
      serviceId: world.serviceLocalId,
      details: { name: neverClosed.name, dateOfBirth: '1988-03-02', postcode: neverClosed.postcode },
      requestedBy: world.manager.staffId,
    });
    await records.mark(scope, 'WRITTEN', [
      { rowKey: secondKey, recordId: secondId, clientId: secondId, runId: 'imp_older' },
    ]);
    writeFiles(folder, world, [reopened, neverClosed], [{ id: 'N1', client: 'C1', body: 'Visit' }]);
    const expected = ['clients.csv,2,Status,CASE_CHANGED_SINCE_IMPORT'];

    // Act
    const dryRun = await runCli(api, [...importArgs(world, folder), '--dry-run']);
    const dryReport = reportRows(folder);
    const resumed = await runCli(api, importArgs(world, folder));

    // Assess: the reopened case stays open, off any schedule, and its row is named for the operator (no value); the
    // case the older run never closed is closed and scheduled; both rows are done.
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(resumed.code, resumed.stderr).toBe(0);
    const first = await readAsManager(api, world, firstId);
    expect(first.caseStatus, 'the reopened case after the rerun').toBe('OPEN');
    expect(first.closedAt).toBeNull();
    expect(first.retention?.expiresAt ?? null).toBeNull();
    expect(dryReport, 'the dry run report').toEqual(expected);
    expect(reportRows(folder), 'the run report').toEqual(expected);
    expect(resumed.stdout).toContain(
      '1 row of clients imported before differs from what was imported and was not applied',
    );
    const second = await readAsManager(api, world, secondId);
    expect(second.caseStatus, 'the case never closed, after the rerun').toBe('CLOSED');
    expect(second.retention?.expiresAt ?? null).not.toBeNull();
    const rows = await records.rows(scope, [firstKey, secondKey]);
    expect([rows.get(firstKey)?.state, rows.get(secondKey)?.state]).toEqual(['DONE', 'DONE']);
    rmSync(folder, { recursive: true, force: true });
  });

  it('a corrected or added row of a client imported before is reported by file, row and column, and not applied', async () => {
    // Prepare: two clients imported; then the charity corrects one's postcode and one of their notes, adds a note for
    // them, and adds a third client.
    const world = await importWorld(api);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const first = { id: 'C1', name: 'Corrected Person', dateOfBirth: '02/03/1983', postcode: 'LS1 4AB' };
    const second = { id: 'C2', name: 'Unchanged Person', dateOfBirth: '02/03/1984', postcode: 'LS2 7EY' };
    const notes = [
      { id: 'N1', client: 'C1', body: 'First visit' },
      { id: 'N2', client: 'C1', body: 'Second visit' },
      { id: 'N3', client: 'C2', body: 'Only visit' },
    ];
    writeFiles(folder, world, [first, second], notes);
    const imported = await runCli(api, importArgs(world, folder));
    expect(imported.code, imported.stderr).toBe(0);
    let firstId = '';
    for (const id of await serviceClientIds(api, world)) {
      if ((await readAsManager(api, world, id)).postcode === first.postcode) firstId = id;
    }
    writeFiles(
      folder,
      world,
      [
        { ...first, postcode: 'LS6 2AA' },
        second,
        { id: 'C3', name: 'New Person', dateOfBirth: '02/03/1985', postcode: 'LS3 1AA' },
      ],
      [
        notes[0] as SourceNote,
        { id: 'N2', client: 'C1', body: `Second visit, ${CANARY} corrected` },
        notes[2] as SourceNote,
        { id: 'N4', client: 'C1', body: `Third visit, ${CANARY} added` },
      ],
    );
    const expected = [
      'clients.csv,2,Postcode,CHANGED_SINCE_IMPORT',
      'notes.csv,3,Note ID,CHANGED_SINCE_IMPORT',
      'notes.csv,5,Note ID,ADDED_SINCE_IMPORT',
    ];

    // Act
    const dryRun = await runCli(api, [...importArgs(world, folder), '--dry-run']);
    const dryReport = reportRows(folder);
    const rerun = await runCli(api, importArgs(world, folder));

    // Assess: both runs name the rows (never a value) and say they were not applied; the new client is imported; the
    // person imported before is as the import (and nobody since) left them.
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryReport, 'the dry run report').toEqual(expected);
    expect(dryRun.stdout).toContain('a real run would import 1 client, 1 allocation, 0 consents, 0 notes');
    expect(dryRun.stdout).toContain(
      '3 rows of clients imported before differ from what was imported and were not applied',
    );
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(reportRows(folder), 'the run report').toEqual(expected);
    expect(rerun.stdout).toContain('Imported 1 client, 1 allocation, 0 consents, 0 notes');
    expect(rerun.stdout).toContain('2 clients were imported before and were skipped');
    expect(rerun.stdout).toContain(
      '3 rows of clients imported before differ from what was imported and were not applied',
    );
    for (const text of [dryRun.stdout, dryRun.stderr, rerun.stdout, rerun.stderr, ...dryReport]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain('LS6 2AA');
    }
    const held = await readAsManager(api, world, firstId);
    expect(held.postcode).toBe(first.postcode);
    expect(held.notes.edges.map((edge) => edge.node.body).sort()).toEqual(['First visit', 'Second visit']);
    rmSync(folder, { recursive: true, force: true });
  });

  it('a client written whole by a run that kept no contents: rows added or corrected since are reported, and only what was written is audited', async () => {
    // Prepare: a run stopped once its client is written whole and audited, its row as a run before decision 0143 left
    // it (no digests of what the rows said); the charity then corrects the note and adds another note and a consent.
    const world = await importWorld(api);
    const scope = tenantScope(world.org.orgId);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const client = { id: 'C1', name: 'Uncounted Person', dateOfBirth: '02/03/1989', postcode: 'LS1 4AB' };
    const consent = { id: 'K1', client: 'C1', scope: 'FAMILY' } as const;
    writeFiles(folder, world, [client], [{ id: 'N1', client: 'C1', body: 'Visit' }], [consent]);
    const stopped = await runCli(api, importArgs(world, folder), { CONFIDE_IMPORT_STOP: 'before-done' });
    expect(stopped.code, stopped.stderr).toBe(75);
    await asLeftBefore0143(api, world, 'C1', ['contents']);
    writeFiles(
      folder,
      world,
      [client],
      [
        { id: 'N1', client: 'C1', body: `Visit, ${CANARY} corrected` },
        { id: 'N2', client: 'C1', body: `Second visit, ${CANARY} added` },
      ],
      [consent, { id: 'K2', client: 'C1', scope: 'GP' }],
    );
    const expected = [
      'consents.csv,3,Consent ID,ADDED_SINCE_IMPORT',
      'notes.csv,2,Note ID,CHANGED_SINCE_IMPORT',
      'notes.csv,3,Note ID,ADDED_SINCE_IMPORT',
    ];

    // Act
    const dryRun = await runCli(api, [...importArgs(world, folder), '--dry-run']);
    const dryReport = reportRows(folder);
    const resumed = await runCli(api, importArgs(world, folder));
    const resumedReport = reportRows(folder);
    const again = await runCli(api, importArgs(world, folder));

    // Assess: both rows are named by every run (the later one too), neither is applied; the resume counts and audits
    // the records the stopped run wrote, and no note it never wrote.
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(again.code, again.stderr).toBe(0);
    const [clientId = ''] = await serviceClientIds(api, world);
    const held = await api.services.caseNotes.list(
      scope,
      clientId,
      new ItemLoader(api.services.dynamo, api.services.keys),
    );
    expect(held.map((note) => note.noteId)).toHaveLength(1);
    expect((await readAsManager(api, world, clientId)).notes.edges.map((edge) => edge.node.body)).toEqual([
      'Visit',
    ]);
    const consents = await api.services.consents.list(scope, clientId);
    expect(consents).toHaveLength(1);
    const events = await api.services.auditLog.bySubject(scope, clientId, { limit: 100 });
    // The records each event names (its items name the run too, in the log's order).
    const audited = (operation: string, prefix: string) =>
      new Set(
        events
          .filter((event) => event.operation === operation)
          .flatMap((event) => (event.items ?? []).filter((item) => item.startsWith(prefix))),
      );
    expect(audited('importNote', 'nte_'), 'notes audited as imported').toEqual(
      new Set(held.map((note) => note.noteId)),
    );
    expect(audited('importConsent', 'cns_'), 'consents audited as imported').toEqual(
      new Set(consents.map((entry) => entry.consentId)),
    );
    expect(resumed.stdout).toContain('Imported 1 client, 1 allocation, 1 consent, 1 note');
    expect(dryRun.stdout).toContain('a real run would import 1 client, 1 allocation, 1 consent, 1 note');
    expect(dryReport, 'the dry run report').toEqual(expected);
    expect(resumedReport, 'the resumed run report').toEqual(expected);
    expect(reportRows(folder), 'a later run report').toEqual(expected);
    expect(again.stdout).toContain('Imported 0 clients, 0 allocations, 0 consents, 0 notes');
    for (const text of [dryRun.stdout, dryRun.stderr, resumed.stdout, resumed.stderr, ...resumedReport]) {
      expect(text).not.toContain(CANARY);
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('a row corrected between an interruption and its resume is reported, and the resume completes what was written', async () => {
    // Prepare: a run stopped once its client is written and audited; the charity then corrects a note.
    const world = await importWorld(api);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const client = { id: 'C1', name: 'Interrupted Person', dateOfBirth: '02/03/1986', postcode: 'LS1 4AB' };
    writeFiles(folder, world, [client], [{ id: 'N1', client: 'C1', body: 'Visit' }]);
    const stopped = await runCli(api, importArgs(world, folder), { CONFIDE_IMPORT_STOP: 'before-done' });
    expect(stopped.code, stopped.stderr).toBe(75);
    writeFiles(folder, world, [client], [{ id: 'N1', client: 'C1', body: `Visit, ${CANARY} corrected` }]);

    // Act
    const resumed = await runCli(api, importArgs(world, folder));
    const again = await runCli(api, importArgs(world, folder));

    // Assess
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(reportRows(folder)).toEqual(['notes.csv,2,Note ID,CHANGED_SINCE_IMPORT']);
    expect(again.stdout).toContain('Imported 0 clients, 0 allocations, 0 consents, 0 notes');
    const [clientId = ''] = await serviceClientIds(api, world);
    const held = await readAsManager(api, world, clientId);
    expect(held.notes.edges.map((edge) => edge.node.body)).toEqual(['Visit']);
    for (const text of [resumed.stdout, resumed.stderr]) expect(text).not.toContain(CANARY);
    rmSync(folder, { recursive: true, force: true });
  });
});
