import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrgId } from '@confide/domain';
import { ItemLoader, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { globalId } from '../support/records-fixtures';
import { testApi } from '../support/test-api';
import { nhsNumberFor } from './dataset';
import { importArgs, importWorld, runCli, serviceClientIds } from './import-support';

/**
 * Issue 21, what the first import left out (decision 0032): a consent's partner agency, the kinds of information it
 * covers and the purposes agreed to; sealed, withheld and other organisations' notes. Each is checked by the rules
 * recordConsent and recordNote apply, rejected by reason code (never the value), and read back through the API
 * with need-to-know applied: a note sealed for its author is not shown to a colleague allocated to the same person.
 */

const csv = (rows: string[][]) => `${rows.map((row) => row.join(',')).join('\n')}\n`;
const SEALED_TEXT = 'Sealed-at-request text';

describe('confide import: consent terms and sealed, withheld and correspondence notes', {
  timeout: 300_000,
}, () => {
  const api = testApi();

  it('imports them as the API records them, rejects what the API would refuse, and applies sealing on read', async () => {
    // Prepare: a registered partner agency, a colleague allocated beside the worker, one client's consents and notes.
    const world = await importWorld(api);
    const scope = tenantScope(world.org.orgId);
    const partner = await api.services.partners.register(scope, {
      name: 'Riverside Housing',
      clientId: `client-${world.org.slug}`,
    });
    const colleagueHandle = `colleague-${world.org.slug.slice(-6)}`;
    const colleague = await addStaff(api, world.org, ['SUPPORT_WORKER'], colleagueHandle);
    const volunteerHandle = `volunteer-${world.org.slug.slice(-6)}`;
    await addStaff(api, world.org, ['VOLUNTEER'], volunteerHandle);
    const hrHandle = `hr-${world.org.slug.slice(-6)}`;
    await addStaff(api, world.org, ['HR_OFFICER'], hrHandle);
    const version = (await api.services.directory.organisation(world.org.orgId as OrgId))?.policyVersion;
    expectNoErrors(
      await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
        token: colleague.token,
        variables: { v: version },
      }),
    );
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const worker = world.workerHandle;
    writeFileSync(
      join(folder, 'clients.csv'),
      csv([
        ['Client ID', 'Full name', 'Date of birth', 'NHS number', 'Contact preference'],
        ['C1', 'Terms Person One', '02/03/1980', nhsNumberFor(515_151), 'Letters only'],
      ]),
    );
    writeFileSync(
      join(folder, 'allocations.csv'),
      csv([
        ['Client ID', 'Worker login', 'Type'],
        ['C1', worker, 'PRIMARY'],
        ['C1', colleagueHandle, 'PRIMARY'],
        ['C1', volunteerHandle, 'PRIMARY'],
        ['C1', hrHandle, 'PRIMARY'],
      ]),
    );
    writeFileSync(
      join(folder, 'consents.csv'),
      csv([
        [
          'Consent ID',
          'Client ID',
          'Share with',
          'How given',
          'Given by',
          'Agency',
          'Partner',
          'Covers',
          'Purposes',
        ],
        [
          'K1',
          'C1',
          'NAMED_AGENCY',
          'SIGNED_FORM',
          'CLIENT',
          'Housing trust',
          'Riverside Housing',
          'Care;Health',
          'Housing;CARE_COORDINATION',
        ],
        ['K2', 'C1', 'FAMILY', 'SIGNED_FORM', 'CLIENT', '', 'Riverside Housing', '', ''],
        ['K3', 'C1', 'GP', 'SIGNED_FORM', 'CLIENT', '', 'Unknown Agency', '', ''],
        ['K4', 'C1', 'PUBLICITY_IMAGES', 'SIGNED_FORM', 'CLIENT', '', '', '', 'Housing'],
        ['K5', 'C1', 'OTHER', 'SIGNED_FORM', 'CLIENT', '', '', 'Gossip', ''],
      ]),
    );
    writeFileSync(
      join(folder, 'notes.csv'),
      csv([
        [
          'Note ID',
          'Client ID',
          'Note type',
          'Text',
          'Author login',
          'Sealed for',
          'Withheld',
          'Because',
          'From',
        ],
        ['N1', 'C1', 'Daily log', 'Open visit note', worker, '', '', '', ''],
        ['N2', 'C1', 'Daily log', SEALED_TEXT, worker, worker, '', '', ''],
        ['N3', 'C1', 'Daily log', 'Withheld under exemption', worker, '', 'Yes', 'Third party', ''],
        ['N4', 'C1', 'Letter', 'Letter from the council', worker, '', 'No', '', 'County Council'],
        ['N5', 'C1', 'Daily log', 'Not correspondence', worker, '', '', '', 'County Council'],
        ['N6', 'C1', 'Daily log', 'Sealed for a stranger', worker, 'nobody.here', '', '', ''],
        ['N7', 'C1', 'Daily log', 'Withheld maybe', worker, '', 'Perhaps', '', ''],
        ['N8', 'C1', 'Daily log', 'Withheld with no exemption', worker, '', 'Yes', '', ''],
        ['N9', 'C1', 'Daily log', 'Exemption but not withheld', worker, '', 'No', 'Serious harm', ''],
        ['N10', 'C1', 'Daily log', 'Withheld by a volunteer', volunteerHandle, '', 'Yes', 'Third party', ''],
      ]),
    );
    writeFileSync(
      join(folder, 'confide-import.json'),
      JSON.stringify({
        sourceSystem: 'terms',
        dateFormat: 'DD/MM/YYYY',
        clients: {
          file: 'clients.csv',
          columns: {
            sourceId: 'Client ID',
            name: 'Full name',
            dateOfBirth: 'Date of birth',
            nhsNumber: 'NHS number',
            preferredContact: 'Contact preference',
          },
        },
        allocations: {
          file: 'allocations.csv',
          columns: { clientSourceId: 'Client ID', staffHandle: 'Worker login', kind: 'Type' },
        },
        consents: {
          file: 'consents.csv',
          columns: {
            sourceId: 'Consent ID',
            clientSourceId: 'Client ID',
            scope: 'Share with',
            method: 'How given',
            givenBy: 'Given by',
            agencyName: 'Agency',
            partner: 'Partner',
            classifications: 'Covers',
            purposes: 'Purposes',
          },
          values: { classifications: { Care: 'CARE', Health: 'HEALTH' }, purposes: { Housing: 'HOUSING' } },
        },
        notes: {
          file: 'notes.csv',
          columns: {
            sourceId: 'Note ID',
            clientSourceId: 'Client ID',
            type: 'Note type',
            body: 'Text',
            author: 'Author login',
            sealedFor: 'Sealed for',
            withheld: 'Withheld',
            withholdingExemption: 'Because',
            authorOrganisation: 'From',
          },
          values: {
            withheld: { Yes: 'true', No: 'false' },
            withholdingExemption: { 'Third party': 'THIRD_PARTY', 'Serious harm': 'SERIOUS_HARM' },
          },
        },
        noteTypes: {
          'Daily log': { kind: 'DAILY_SUPPORT', classification: 'CARE' },
          Letter: { kind: 'CORRESPONDENCE', classification: 'CARE' },
        },
      }),
    );

    // Act
    const result = await runCli(api, importArgs(world, folder));
    const [clientId = ''] = await serviceClientIds(api, world);
    const READ = `query ($id: ID!) { serviceUser(id: $id) {
      consents { scope partnerId classifications purposes }
      notes { edges { node { kind ... on CareNote { body authorOrganisation } } } } } }`;
    type Read = {
      serviceUser: {
        consents: {
          scope: string;
          partnerId: string | null;
          classifications: string[];
          purposes: string[];
        }[];
        notes: {
          edges: { node: { kind: string; body?: string | null; authorOrganisation?: string | null } }[];
        };
      };
    };
    const id = globalId('ServiceUser', clientId);
    const asWorker = await api.graphql<Read>(READ, { token: world.worker.token, variables: { id } });
    const asColleague = await api.graphql<Read>(READ, { token: colleague.token, variables: { id } });
    const held = await api.services.caseNotes.list(
      scope,
      clientId,
      new ItemLoader(api.services.dynamo, api.services.keys),
    );

    // Assess: the good rows imported, every bad one rejected by column and reason (no value in the report).
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Imported 1 client, 3 allocations, 1 consent, 4 notes');
    // The person's event names what was written of them: a contact preference is CONTACT, given alone too.
    const written = (await api.services.auditLog.bySubject(scope, clientId, { limit: 100 })).filter(
      (event) => event.operation === 'importServiceUser',
    );
    expect(written.map((event) => [...event.classifications].sort())).toEqual([['CONTACT', 'IDENTIFYING']]);
    expect(written[0]?.fields).toContain('ServiceUser.preferredContact');
    const report = readFileSync(join(folder, 'import-rejections.csv'), 'utf8');
    expect(report.trim().split('\n').slice(1).sort()).toEqual([
      'allocations.csv,5,Worker login,NOT_ALLOCATABLE',
      'consents.csv,3,Partner,PARTNER_NOT_FOR_SCOPE',
      'consents.csv,4,Partner,UNKNOWN_PARTNER',
      'consents.csv,5,Purposes,PURPOSES_NOT_FOR_SCOPE',
      'consents.csv,6,Covers,UNKNOWN_VALUE',
      'notes.csv,10,Because,EXEMPTION_WITHOUT_WITHHOLDING',
      'notes.csv,11,Withheld,WITHHOLDING_NOT_PERMITTED',
      'notes.csv,6,From,AUTHOR_ORGANISATION_NOT_FOR_KIND',
      'notes.csv,7,Sealed for,UNKNOWN_STAFF',
      'notes.csv,8,Withheld,UNKNOWN_VALUE',
      'notes.csv,9,Because,EXEMPTION_REQUIRED',
    ]);
    expect(report).not.toContain('Unknown Agency');
    // The consent's terms, as recordConsent keeps them.
    expectNoErrors(asWorker);
    expect(asWorker.data?.serviceUser.consents).toEqual([
      {
        scope: 'NAMED_AGENCY',
        partnerId: partner.partnerId,
        classifications: ['CARE', 'HEALTH'],
        purposes: ['CARE_COORDINATION', 'HOUSING'],
      },
    ]);
    // The author reads the note sealed for them; a colleague allocated to the same person does not.
    const bodies = (read: typeof asWorker) =>
      read.data?.serviceUser.notes.edges.map((edge) => edge.node.body).filter(Boolean) ?? [];
    expect(bodies(asWorker)).toContain(SEALED_TEXT);
    expect(bodies(asColleague)).toContain('Open visit note');
    expect(JSON.stringify(asColleague.data)).not.toContain(SEALED_TEXT);
    expect(asWorker.data?.serviceUser.notes.edges.map((edge) => edge.node.authorOrganisation)).toContain(
      'County Council',
    );
    // Sealing, withholding and the author organisation are on the notes as the note store records them.
    expect(held).toHaveLength(4);
    expect(held.filter((note) => note.sealed).map((note) => note.sealedFor)).toEqual([
      [world.worker.staffId],
    ]);
    expect(held.filter((note) => note.withheld).map((note) => note.withheldUnder)).toEqual(['THIRD_PARTY']);
    expect(
      held.filter((note) => note.authorOrganisation === 'County Council').map((note) => note.kind),
    ).toEqual(['CORRESPONDENCE']);
    rmSync(folder, { recursive: true, force: true });
  });

  it('imports closed cases closed, with their retention scheduled as closeCase schedules it; refuses a case already past it', async () => {
    // Prepare: an open case, one closed two years ago, one closed in 1990 (past the default eight years), an open
    // case given a closure date and a closed case without one.
    const world = await importWorld(api);
    const folder = mkdtempSync(join(tmpdir(), 'confide-import-'));
    const twoYearsAgo = new Date(Date.now() - 2 * 365 * 24 * 3600 * 1000);
    const closedOn = `${String(twoYearsAgo.getUTCDate()).padStart(2, '0')}/${String(twoYearsAgo.getUTCMonth() + 1).padStart(2, '0')}/${twoYearsAgo.getUTCFullYear()}`;
    writeFileSync(
      join(folder, 'clients.csv'),
      csv([
        ['Client ID', 'Full name', 'Date of birth', 'Referral date', 'Status', 'Closed on'],
        ['C1', 'Open Person', '02/03/1980', '01/01/2015', 'Open', ''],
        ['C2', 'Closed Person', '02/03/1981', '01/01/2015', 'Closed', closedOn],
        ['C3', 'Long Gone Person', '02/03/1950', '01/01/1985', 'Closed', '01/06/1990'],
        ['C4', 'Dated Open Person', '02/03/1982', '', 'Open', closedOn],
        ['C5', 'Undated Closed Person', '02/03/1983', '', 'Closed', ''],
      ]),
    );
    writeFileSync(
      join(folder, 'notes.csv'),
      csv([
        ['Note ID', 'Client ID', 'Note type', 'Text'],
        ['N1', 'C2', 'Daily log', 'Last visit before closing'],
      ]),
    );
    writeFileSync(
      join(folder, 'confide-import.json'),
      JSON.stringify({
        sourceSystem: 'closures',
        dateFormat: 'DD/MM/YYYY',
        clients: {
          file: 'clients.csv',
          columns: {
            sourceId: 'Client ID',
            name: 'Full name',
            dateOfBirth: 'Date of birth',
            openedAt: 'Referral date',
            caseStatus: 'Status',
            closedAt: 'Closed on',
          },
          values: { caseStatus: { Open: 'OPEN', Closed: 'CLOSED' } },
        },
        notes: {
          file: 'notes.csv',
          columns: { sourceId: 'Note ID', clientSourceId: 'Client ID', type: 'Note type', body: 'Text' },
        },
        noteTypes: { 'Daily log': { kind: 'DAILY_SUPPORT', classification: 'CARE' } },
      }),
    );

    // Act
    const result = await runCli(api, importArgs(world, folder));
    const scope = tenantScope(world.org.orgId);
    const loader = new ItemLoader(api.services.dynamo, api.services.keys);
    const read = await Promise.all(
      (await serviceClientIds(api, world)).map(async (clientId) => {
        const response = await api.graphql<{
          serviceUser: {
            name: string;
            caseStatus: string;
            closedAt: string | null;
            retention: { expiresAt: string | null; basis: string | null } | null;
          };
        }>(
          'query ($id: ID!) { serviceUser(id: $id) { name caseStatus closedAt retention { expiresAt basis } } }',
          { token: world.manager.token, variables: { id: globalId('ServiceUser', clientId) } },
        );
        expectNoErrors(response);
        const notes = await api.services.caseNotes.list(scope, clientId, loader);
        return { ...response.data?.serviceUser, noteExpiry: notes.map((note) => note.expiresAt) };
      }),
    );

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Imported 2 clients');
    expect(
      readFileSync(join(folder, 'import-rejections.csv'), 'utf8').trim().split('\n').slice(1).sort(),
    ).toEqual([
      'clients.csv,4,Closed on,PAST_RETENTION',
      'clients.csv,5,Closed on,CLOSURE_DATE_ON_OPEN_CASE',
      'clients.csv,6,Closed on,MISSING_VALUE',
    ]);
    const open = read.find((client) => client.name === 'Open Person');
    const closed = read.find((client) => client.name === 'Closed Person');
    expect(open).toMatchObject({ caseStatus: 'OPEN', closedAt: null });
    expect(open?.retention?.expiresAt ?? null).toBeNull();
    expect(closed).toMatchObject({ caseStatus: 'CLOSED', retention: { basis: 'AFTER_CLOSURE' } });
    expect(closed?.closedAt?.slice(0, 10)).toBe(twoYearsAgo.toISOString().slice(0, 10));
    // Eight years after closure (the default rules), on the profile and on the case's other items.
    const expires = new Date(closed?.retention?.expiresAt ?? 0);
    expect(expires.getUTCFullYear()).toBe(twoYearsAgo.getUTCFullYear() + 8);
    expect(closed?.noteExpiry).toEqual([Math.floor(expires.getTime() / 1000)]);
    rmSync(folder, { recursive: true, force: true });
  });
});
