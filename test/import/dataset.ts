import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A generated charity export for `confide import` (issue 21): clients, allocations, consents and notes in a
 * Charitylog-style CSV layout with its mapping file, plus deliberate bad rows, each of which must come back in the
 * rejection report with this file, line, column and reason. Every value of a bad row and the free text of the good
 * ones carry a canary, so a test can show none of them reaches a log or the report.
 */

export const CANARY = 'Kanarie';

export interface ExpectedRejection {
  readonly file: string;
  readonly line: number;
  readonly column: string;
  readonly reason: string;
}

export interface Dataset {
  readonly folder: string;
  /** Good clients (their source ids), each with `notesPerClient` notes, one allocation and one consent. */
  readonly goodClients: readonly { sourceId: string; name: string; dateOfBirth: string; nhsNumber: string }[];
  readonly notesPerClient: number;
  readonly expectedRejections: readonly ExpectedRejection[];
}

/** A valid NHS number (modulus 11 check digit), the `index`th of a deterministic series. */
export function nhsNumberFor(index: number): string {
  for (let n = index * 7 + 100_000_000; ; n++) {
    const digits = String(n).padStart(9, '0');
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return `${digits}${check === 11 ? 0 : check}`;
  }
}

/** The same number with a wrong check digit. */
function badChecksum(nhs: string): string {
  return `${nhs.slice(0, 9)}${(Number(nhs[9]) + 1) % 10}`;
}

const csv = (rows: readonly (readonly string[])[]) =>
  `${rows.map((row) => row.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n')}\r\n`;

const SURNAMES = [
  'Okafor',
  'Nowak',
  'Patel',
  'Murphy',
  'Haddad',
  'Jones',
  'Kowalski',
  'Ahmed',
  'Evans',
  'Byrne',
];
const GIVEN = ['Amara', 'Tomasz', 'Priya', 'Siobhan', 'Yusuf', 'Gareth', 'Ewa', 'Noor', 'Rhys', 'Aoife'];
const NOTE_TYPES = ['Daily log', 'Support plan', 'Assessment', 'Medical', 'Money', 'Safeguarding'];

export function generateDataset(
  folder: string,
  options: {
    readonly clients: number;
    readonly notesPerClient: number;
    /** Handles of active staff: the worker allocated to every client, and note authors. */
    readonly worker: string;
    /** A manager of the service (not allocated): a HEALTH note they authored is refused by the W cells. */
    readonly manager?: string | undefined;
    /** A client already held by the organisation (registered through the API): the file repeats it. */
    readonly held?: { name: string; dateOfBirth: string; nhsNumber: string } | undefined;
    readonly badRows?: boolean;
    /** Distinguishes the names of one data set from another's (two imports into one organisation). */
    readonly seed?: string;
    /** Names for the first clients, in order, instead of the generated ones. */
    readonly names?: readonly string[];
  },
): Dataset {
  mkdirSync(folder, { recursive: true });
  const seed = options.seed ?? 'a';
  const clients: string[][] = [
    [
      'Client ID',
      'Full name',
      'Date of birth',
      'Address',
      'Postcode',
      'NHS number',
      'Phone',
      'Email',
      'Contact preference',
    ],
  ];
  const allocations: string[][] = [['Client ID', 'Worker login', 'Type', 'Cover ends']];
  const consents: string[][] = [
    [
      'Consent ID',
      'Client ID',
      'Share with',
      'How given',
      'Given by',
      'Agency',
      'Representative',
      'Capacity note',
    ],
  ];
  const notes: string[][] = [['Note ID', 'Client ID', 'Note type', 'Text', 'Author login', 'Shared with']];
  const goodClients: Dataset['goodClients'][number][] = [];
  for (let index = 0; index < options.clients; index++) {
    const sourceId = `CL-${seed}-${String(index).padStart(6, '0')}`;
    const name =
      options.names?.[index] ??
      `${GIVEN[index % 10]} ${SURNAMES[Math.floor(index / 10) % 10]} ${seed}${index}`;
    const dateOfBirth = `${1940 + (index % 60)}-${String((index % 12) + 1).padStart(2, '0')}-${String((index % 28) + 1).padStart(2, '0')}`;
    const nhsNumber = nhsNumberFor(index + seed.charCodeAt(0) * 100_000);
    const [y, m, d] = dateOfBirth.split('-');
    clients.push([
      sourceId,
      name,
      `${d}/${m}/${y}`,
      `${index} Canal Street, Leeds, "Flat ${index % 9}"`,
      'LS1 4AB',
      nhsNumber,
      '07700 900123',
      `client${index}@example.org`,
      `Phone, ${CANARY} mornings`,
    ]);
    goodClients.push({ sourceId, name, dateOfBirth, nhsNumber });
    allocations.push([sourceId, options.worker, 'Keyworker', '']);
    consents.push([`CN-${seed}-${index}`, sourceId, 'Family', 'Signed form', 'Client', '', '', '']);
    for (let note = 0; note < options.notesPerClient; note++) {
      notes.push([
        `NT-${seed}-${index}-${note}`,
        sourceId,
        NOTE_TYPES[note % NOTE_TYPES.length] as string,
        `Visited; ${CANARY} note ${note}, all well.\nSecond line, with "quotes".`,
        options.worker,
        '',
      ]);
    }
  }

  const expectedRejections: ExpectedRejection[] = [];
  if (options.badRows) {
    const bad = (row: string[], column: string, reason: string) => {
      clients.push(row);
      expectedRejections.push({ file: 'clients.csv', line: clients.length, column, reason });
    };
    const first = goodClients[0];
    if (!first) throw new Error('Bad rows need at least one good client.');
    bad(
      [
        `BAD-${seed}-1`,
        `${CANARY} Checksum`,
        '01/02/1970',
        '',
        '',
        badChecksum(nhsNumberFor(999_001)),
        '',
        '',
        '',
      ],
      'NHS number',
      'INVALID_NHS_NUMBER',
    );
    bad(
      [`BAD-${seed}-2`, `${CANARY} Postcode`, '01/02/1970', '', `${CANARY}1 9ZZ`, '', '', '', ''],
      'Postcode',
      'INVALID_POSTCODE',
    );
    bad(
      [`BAD-${seed}-3`, `${CANARY} Date`, '31/02/1970', '', '', '', '', '', ''],
      'Date of birth',
      'INVALID_DATE',
    );
    bad(
      [`BAD-${seed}-4`, `${CANARY} Email`, '01/02/1970', '', '', '', '', `${CANARY}-at-nowhere`, ''],
      'Email',
      'INVALID_EMAIL',
    );
    bad(
      [`BAD-${seed}-5`, `${CANARY} Twin`, '01/02/1970', '', '', first.nhsNumber, '', '', ''],
      'NHS number',
      'DUPLICATE_IN_FILE',
    );
    bad(
      [first.sourceId, `${CANARY} Reused`, '01/02/1971', '', '', '', '', '', ''],
      'Client ID',
      'DUPLICATE_SOURCE_ID',
    );
    if (options.held) {
      const [y, m, d] = options.held.dateOfBirth.split('-');
      bad(
        [`BAD-${seed}-6`, options.held.name, `${d}/${m}/${y}`, '', '', options.held.nhsNumber, '', '', ''],
        'NHS number',
        'DUPLICATE_OF_HELD_RECORD',
      );
    }
    const badChild = (rows: string[][], file: string, row: string[], column: string, reason: string) => {
      rows.push(row);
      expectedRejections.push({ file, line: rows.length, column, reason });
    };
    badChild(
      consents,
      'consents.csv',
      [`CN-${seed}-bad1`, first.sourceId, `${CANARY} neighbours`, 'Signed form', 'Client', '', '', ''],
      'Share with',
      'UNKNOWN_VALUE',
    );
    badChild(
      consents,
      'consents.csv',
      [`CN-${seed}-bad2`, first.sourceId, 'Agency', 'Email', 'Client', '', '', ''],
      'Agency',
      'MISSING_VALUE',
    );
    badChild(
      notes,
      'notes.csv',
      [`NT-${seed}-bad1`, first.sourceId, `${CANARY} gossip`, `${CANARY} unmapped body`, options.worker, ''],
      'Note type',
      'UNMAPPED_NOTE_TYPE',
    );
    badChild(
      notes,
      'notes.csv',
      [`NT-${seed}-bad2`, `BAD-${seed}-1`, 'Daily log', `${CANARY} orphan body`, options.worker, ''],
      'Client ID',
      'CLIENT_REJECTED',
    );
    badChild(
      notes,
      'notes.csv',
      [`NT-${seed}-bad3`, `${CANARY}-nobody`, 'Daily log', `${CANARY} body`, options.worker, ''],
      'Client ID',
      'UNKNOWN_CLIENT',
    );
    badChild(
      notes,
      'notes.csv',
      [`NT-${seed}-bad4`, first.sourceId, 'Handover', `${CANARY} handover`, options.worker, ''],
      'Shared with',
      'DISTRIBUTION_REQUIRED',
    );
    if (options.manager) {
      badChild(
        notes,
        'notes.csv',
        [`NT-${seed}-bad5`, first.sourceId, 'Medical', `${CANARY} medical`, options.manager, ''],
        'Note type',
        'CLASSIFICATION_NOT_PERMITTED',
      );
    }
    badChild(
      allocations,
      'allocations.csv',
      [first.sourceId, `${CANARY.toLowerCase()}.nobody`, 'Keyworker', ''],
      'Worker login',
      'UNKNOWN_STAFF',
    );
    badChild(
      allocations,
      'allocations.csv',
      [first.sourceId, options.worker, 'Cover', '01/01/2001'],
      'Cover ends',
      'COVER_NEEDS_FUTURE_END',
    );
  }

  writeFileSync(join(folder, 'clients.csv'), csv(clients));
  writeFileSync(join(folder, 'allocations.csv'), csv(allocations));
  writeFileSync(join(folder, 'consents.csv'), csv(consents));
  writeFileSync(join(folder, 'notes.csv'), csv(notes));
  writeFileSync(
    join(folder, 'confide-import.json'),
    JSON.stringify(
      {
        sourceSystem: `generated-${seed}`,
        dateFormat: 'DD/MM/YYYY',
        clients: {
          file: 'clients.csv',
          columns: {
            sourceId: 'Client ID',
            name: 'Full name',
            dateOfBirth: 'Date of birth',
            address: 'Address',
            postcode: 'Postcode',
            nhsNumber: 'NHS number',
            phone: 'Phone',
            email: 'Email',
            preferredContact: 'Contact preference',
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
          values: { kind: { Keyworker: 'PRIMARY', Cover: 'COVER' } },
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
            representativeName: 'Representative',
            capacityNote: 'Capacity note',
          },
          values: {
            scope: { Family: 'FAMILY', Agency: 'NAMED_AGENCY', GP: 'GP' },
            method: { 'Signed form': 'SIGNED_FORM', Email: 'EMAIL' },
            givenBy: { Client: 'CLIENT', Representative: 'REPRESENTATIVE' },
          },
        },
        notes: {
          file: 'notes.csv',
          columns: {
            sourceId: 'Note ID',
            clientSourceId: 'Client ID',
            type: 'Note type',
            body: 'Text',
            author: 'Author login',
            distribution: 'Shared with',
          },
        },
        noteTypes: {
          'Daily log': { kind: 'DAILY_SUPPORT', classification: 'CARE' },
          'Support plan': { kind: 'SUPPORT_PLAN', classification: 'CARE' },
          Assessment: { kind: 'ASSESSMENT', classification: 'CARE' },
          Handover: { kind: 'HANDOVER', classification: 'CARE' },
          Medical: { kind: 'MEDICAL', classification: 'HEALTH' },
          Money: { kind: 'FINANCE', classification: 'FINANCE' },
          Safeguarding: { kind: 'SAFEGUARDING_CONCERN', classification: 'SAFEGUARDING' },
        },
      },
      null,
      2,
    ),
  );
  return { folder, goodClients, notesPerClient: options.notesPerClient, expectedRejections };
}
