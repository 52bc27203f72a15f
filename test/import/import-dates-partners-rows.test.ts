import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { globalId } from '../support/records-fixtures';
import { testApi } from '../support/test-api';
import { nhsNumberFor } from './dataset';
import { importArgs, importWorld, runCli, serviceClientIds } from './import-support';

/**
 * What a charity's own files meet: a cover's end date written in the mapping's date format, a partner agency named
 * by a name two agencies share, and a rejection after a blank line, reported on the row a spreadsheet shows.
 */

const csv = (rows: string[][]) => `${rows.map((row) => row.join(',')).join('\n')}\n`;

describe('confide import: dates, partner names and row numbers as the charity wrote them', {
  timeout: 300_000,
}, () => {
  const api = testApi();

  it('reads a cover’s end in the mapping’s date format, refuses an ambiguous partner name, and counts blank lines', async () => {
    // Prepare: two partner agencies of one name (and one of another), a second worker for a cover.
    const world = await importWorld(api);
    const scope = tenantScope(world.org.orgId);
    const register = (name: string, index: number) =>
      api.services.partners.register(scope, { name, clientId: `client-${index}-${world.org.slug}` });
    const twinA = await register('Riverside Surgery', 0);
    const twinB = await register('Riverside Surgery', 1);
    const housing = await register('Riverside Housing', 2);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    writeFileSync(
      join(folder, 'clients.csv'),
      csv([
        ['Client ID', 'Full name', 'Date of birth', 'NHS number'],
        ['C1', 'Dates Person One', '02/03/1980', nhsNumberFor(616_161)],
        ['C2', 'Dates Person Two', '04/05/1981', nhsNumberFor(626_262)],
      ]),
    );
    // The cover of C1 ends on 2 January 2031 (day first, as the mapping says); C2's on Christmas Day 2031.
    writeFileSync(
      join(folder, 'allocations.csv'),
      csv([
        ['Client ID', 'Worker login', 'Type', 'Cover ends'],
        ['C1', world.workerHandle, 'COVER', '02/01/2031'],
        ['C2', world.workerHandle, 'COVER', '25/12/2031 17:30'],
      ]),
    );
    // A blank line after the header and another before the last row: rows 3, 4 and 6 as a spreadsheet numbers them.
    writeFileSync(
      join(folder, 'consents.csv'),
      `${csv([['Consent ID', 'Client ID', 'Share with', 'How given', 'Given by', 'Partner']])}\n${csv([
        ['K1', 'C1', 'GP', 'SIGNED_FORM', 'CLIENT', 'Riverside Surgery'],
        ['K2', 'C1', 'GP', 'EMAIL', 'CLIENT', twinB.partnerId],
      ])}\n${csv([['K3', 'C2', 'GP', 'SIGNED_FORM', 'CLIENT', 'Riverside Housing']])}`,
    );
    writeFileSync(
      join(folder, 'confide-import.json'),
      JSON.stringify({
        sourceSystem: 'dates',
        dateFormat: 'DD/MM/YYYY',
        clients: {
          file: 'clients.csv',
          columns: {
            sourceId: 'Client ID',
            name: 'Full name',
            dateOfBirth: 'Date of birth',
            nhsNumber: 'NHS number',
          },
        },
        allocations: {
          file: 'allocations.csv',
          columns: {
            clientSourceId: 'Client ID',
            staffHandle: 'Worker login',
            kind: 'Type',
            endsAt: 'Cover ends',
          },
        },
        consents: {
          file: 'consents.csv',
          columns: {
            sourceId: 'Consent ID',
            clientSourceId: 'Client ID',
            scope: 'Share with',
            method: 'How given',
            givenBy: 'Given by',
            partner: 'Partner',
          },
        },
      }),
    );

    // Act
    const result = await runCli(api, importArgs(world, folder));
    const clientIds = await serviceClientIds(api, world);
    const READ = `query ($id: ID!) { serviceUser(id: $id) { name allocations { kind endsAt } consents { scope partnerId } } }`;
    type Read = {
      serviceUser: {
        name: string;
        allocations: { kind: string; endsAt: string | null }[];
        consents: { scope: string; partnerId: string | null }[];
      };
    };
    const read = await Promise.all(
      clientIds.map((clientId) =>
        api.graphql<Read>(READ, {
          token: world.manager.token,
          variables: { id: globalId('ServiceUser', clientId) },
        }),
      ),
    );

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const report = readFileSync(join(folder, 'import-rejections.csv'), 'utf8');
    expect(report.trim().split('\n').slice(1)).toEqual(['consents.csv,3,Partner,AMBIGUOUS_PARTNER']);
    for (const answer of read) expectNoErrors(answer);
    const byName = new Map(read.map((answer) => [answer.data?.serviceUser.name, answer.data?.serviceUser]));
    expect(byName.get('Dates Person One')?.allocations).toEqual([
      { kind: 'COVER', endsAt: '2031-01-02T00:00:00.000Z' },
    ]);
    expect(byName.get('Dates Person Two')?.allocations).toEqual([
      { kind: 'COVER', endsAt: '2031-12-25T17:30:00.000Z' },
    ]);
    // Named by id, the twin is the one named; named by a name only one agency has, that agency.
    expect(byName.get('Dates Person One')?.consents).toEqual([{ scope: 'GP', partnerId: twinB.partnerId }]);
    expect(byName.get('Dates Person Two')?.consents).toEqual([{ scope: 'GP', partnerId: housing.partnerId }]);
    expect(twinA.partnerId).not.toBe(twinB.partnerId);
    rmSync(folder, { recursive: true, force: true });
  });
});
