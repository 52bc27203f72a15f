import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrgId } from '@confide/domain';
import { describe, expect, it } from 'vitest';
import { createServiceWithManager, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { testApi } from '../support/test-api';
import { nhsNumberFor } from './dataset';
import { importArgs, importWorld, runCli } from './import-support';

/**
 * The import's duplicate check answers for the people of the service imported into, whom its manager sees: a person
 * held only in another service of the organisation (a domestic abuse service, say) is not reported as held. Checked
 * across the organisation, a manager's dry run told them, row by row, whether anyone they named was supported
 * anywhere in the charity, which the API's search never tells them. The API registers such a person in a second
 * service as a record of that service; so does the import.
 */

const csv = (rows: string[][]) => `${rows.map((row) => row.join(',')).join('\n')}\n`;

describe('confide import: held people', { timeout: 300_000 }, () => {
  const api = testApi();

  it('are looked for in the service imported into, never in the organisation’s other services', async () => {
    // Prepare: one person held in the service imported into, another only in a second service.
    const world = await importWorld(api);
    const other = await createServiceWithManager(api, world.org);
    const version = (await api.services.directory.organisation(world.org.orgId as OrgId))?.policyVersion;
    expectNoErrors(
      await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
        token: other.manager.token,
        variables: { v: version },
      }),
    );
    const here = { name: 'Held Here Person', dateOfBirth: '1970-01-01', nhsNumber: nhsNumberFor(717_171) };
    const elsewhere = {
      name: 'Held Elsewhere Person',
      dateOfBirth: '1971-02-02',
      nhsNumber: nhsNumberFor(727_272),
    };
    await registerServiceUser(api, world.manager, world.serviceId, here);
    await registerServiceUser(api, other.manager, other.serviceId, elsewhere);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    writeFileSync(
      join(folder, 'clients.csv'),
      csv([
        ['Client ID', 'Full name', 'Date of birth', 'NHS number'],
        ['C1', here.name, '01/01/1970', here.nhsNumber],
        ['C2', elsewhere.name, '02/02/1971', elsewhere.nhsNumber],
      ]),
    );
    writeFileSync(
      join(folder, 'confide-import.json'),
      JSON.stringify({
        sourceSystem: 'held',
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
      }),
    );

    // Act
    const dryRun = await runCli(api, [...importArgs(world, folder), '--dry-run']);

    // Assess: the person of this service is held; the other service's person would be imported as a new record.
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain('a real run would import 1 client');
    const report = readFileSync(join(folder, 'import-rejections.csv'), 'utf8');
    expect(report.trim().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^clients\.csv,2,.*,DUPLICATE_OF_HELD_RECORD$/),
    ]);
    rmSync(folder, { recursive: true, force: true });
  });
});
