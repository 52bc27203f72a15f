import { type Classification, NOTE_KINDS, type NoteKind } from '@confide/domain';
import { CliError } from '../data-dir';

/**
 * The column mapping a charity edits (decision 0032): which of its CSV files holds what, which of its columns is
 * which Confide field, how its own words map to Confide's values, and — explicitly, for every note type it uses —
 * the note kind and classification. A note type the mapping does not name is rejected, never defaulted.
 */

export const ENTITY_FIELDS = {
  clients: {
    required: ['sourceId', 'name', 'dateOfBirth'],
    optional: [
      'address',
      'postcode',
      'nhsNumber',
      'phone',
      'email',
      'preferredContact',
      'openedAt',
      'caseStatus',
      'closedAt',
    ],
  },
  allocations: { required: ['clientSourceId', 'staffHandle', 'kind'], optional: ['endsAt'] },
  consents: {
    required: ['sourceId', 'clientSourceId', 'scope', 'method', 'givenBy'],
    optional: [
      'agencyName',
      'representativeName',
      'capacityNote',
      'recordedAt',
      'partner',
      'classifications',
      'purposes',
    ],
  },
  notes: {
    required: ['sourceId', 'clientSourceId', 'type', 'body'],
    optional: [
      'author',
      'distribution',
      'recordedAt',
      'sealedFor',
      'withheld',
      'withholdingExemption',
      'authorOrganisation',
    ],
  },
} as const;

export type Entity = keyof typeof ENTITY_FIELDS;
export const ENTITIES = Object.keys(ENTITY_FIELDS) as Entity[];

export const DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export interface FileMapping {
  readonly file: string;
  /** Confide field → the charity's column header. */
  readonly columns: Readonly<Record<string, string>>;
  /** Confide field → (the charity's value → Confide's value), for enumerations. */
  readonly values?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface ImportMapping {
  /** Names the system the export came from: part of every row identity (a re-export keeps its ids). */
  readonly sourceSystem: string;
  readonly dateFormat: DateFormat;
  readonly clients: FileMapping;
  readonly allocations?: FileMapping;
  readonly consents?: FileMapping;
  readonly notes?: FileMapping;
  /** The charity's note type → Confide's note kind and its classification, both stated. */
  readonly noteTypes: Readonly<
    Record<string, { readonly kind: NoteKind; readonly classification: Classification }>
  >;
}

export const MAPPING_FILE = 'confide-import.json';

/** `confide import --template`: a mapping to edit, for a Charitylog-style export. */
export function mappingTemplate(): ImportMapping {
  return {
    sourceSystem: 'charitylog',
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
        openedAt: 'Referral date',
        caseStatus: 'Status',
        closedAt: 'Closed on',
      },
      values: { caseStatus: { Open: 'OPEN', Closed: 'CLOSED' } },
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
        recordedAt: 'Date given',
        partner: 'Partner agency',
        classifications: 'Information covered',
        purposes: 'Purposes',
      },
      values: {
        scope: { Family: 'FAMILY', Agency: 'NAMED_AGENCY', GP: 'GP', Other: 'OTHER' },
        method: { 'Signed form': 'SIGNED_FORM', Email: 'EMAIL', Verbal: 'VERBAL_WITNESSED' },
        givenBy: { Client: 'CLIENT', Representative: 'REPRESENTATIVE' },
        classifications: { Care: 'CARE', Health: 'HEALTH', Money: 'FINANCE' },
        purposes: { 'Care coordination': 'CARE_COORDINATION', Housing: 'HOUSING', Benefits: 'BENEFITS' },
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
        recordedAt: 'Date',
        sealedFor: 'Sealed for',
        withheld: 'Withheld from client',
        withholdingExemption: 'Withheld because',
        authorOrganisation: 'From organisation',
      },
      values: {
        withheld: { Yes: 'true', No: 'false' },
        withholdingExemption: {
          'Serious harm': 'SERIOUS_HARM',
          'Third party': 'THIRD_PARTY',
          'Crime prevention': 'CRIME_PREVENTION',
          'Legal privilege': 'LEGAL_PRIVILEGE',
        },
      },
    },
    noteTypes: {
      'Daily log': { kind: 'DAILY_SUPPORT', classification: 'CARE' },
      'Support plan': { kind: 'SUPPORT_PLAN', classification: 'CARE' },
      Assessment: { kind: 'ASSESSMENT', classification: 'CARE' },
      Medical: { kind: 'MEDICAL', classification: 'HEALTH' },
      Money: { kind: 'FINANCE', classification: 'FINANCE' },
      Safeguarding: { kind: 'SAFEGUARDING_CONCERN', classification: 'SAFEGUARDING' },
    },
  };
}

function fail(message: string): never {
  throw new CliError(
    `The mapping file is not valid: ${message} (confide import --template prints one to start from.)`,
  );
}

function fileMapping(raw: unknown, entity: Entity): FileMapping {
  if (typeof raw !== 'object' || raw === null) fail(`"${entity}" must be an object.`);
  const { file, columns, values } = raw as Record<string, unknown>;
  if (typeof file !== 'string' || !/^[\w.-]+\.csv$/.test(file)) {
    fail(`"${entity}.file" must name a .csv file in the import folder.`);
  }
  if (typeof columns !== 'object' || columns === null) fail(`"${entity}.columns" must be an object.`);
  const spec = ENTITY_FIELDS[entity];
  const known: readonly string[] = [...spec.required, ...spec.optional];
  for (const [field, header] of Object.entries(columns)) {
    if (!known.includes(field)) fail(`"${entity}.columns.${field}" is not a field Confide imports.`);
    if (typeof header !== 'string' || header.trim() === '')
      fail(`"${entity}.columns.${field}" must name a column.`);
  }
  for (const field of spec.required) {
    if (!(field in columns)) fail(`"${entity}.columns.${field}" is required.`);
  }
  if (values !== undefined && (typeof values !== 'object' || values === null)) {
    fail(`"${entity}.values" must be an object.`);
  }
  return {
    file,
    columns: columns as Record<string, string>,
    ...(values ? { values: values as Record<string, Record<string, string>> } : {}),
  };
}

/** Reads and checks the mapping; an invalid one stops the import before any file is read. */
export function parseMapping(text: string): ImportMapping {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    fail('it is not JSON.');
  }
  if (typeof raw !== 'object' || raw === null) fail('it must be a JSON object.');
  const sourceSystem = raw.sourceSystem;
  if (typeof sourceSystem !== 'string' || !/^[\w.-]{1,64}$/.test(sourceSystem)) {
    fail('"sourceSystem" must be 1–64 letters, digits, ".", "_" or "-".');
  }
  const dateFormat = raw.dateFormat ?? 'YYYY-MM-DD';
  if (!(DATE_FORMATS as readonly unknown[]).includes(dateFormat)) {
    fail(`"dateFormat" is one of ${DATE_FORMATS.join(', ')}.`);
  }
  const noteTypes = raw.noteTypes ?? {};
  if (typeof noteTypes !== 'object' || noteTypes === null) fail('"noteTypes" must be an object.');
  for (const [type, target] of Object.entries(noteTypes)) {
    const { kind, classification } = (target ?? {}) as { kind?: unknown; classification?: unknown };
    if (typeof kind !== 'string' || !(kind in NOTE_KINDS)) {
      fail(`"noteTypes.${type}.kind" is one of ${Object.keys(NOTE_KINDS).join(', ')}.`);
    }
    // Stated, and checked against the kind: a mapping cannot file a note under a lower classification.
    if (classification !== NOTE_KINDS[kind as NoteKind]) {
      fail(
        `"noteTypes.${type}.classification" must be ${NOTE_KINDS[kind as NoteKind]}, the classification of ${kind}.`,
      );
    }
  }
  const mapping: ImportMapping = {
    sourceSystem,
    dateFormat: dateFormat as DateFormat,
    clients: fileMapping(raw.clients, 'clients'),
    noteTypes: noteTypes as ImportMapping['noteTypes'],
    ...(raw.allocations === undefined ? {} : { allocations: fileMapping(raw.allocations, 'allocations') }),
    ...(raw.consents === undefined ? {} : { consents: fileMapping(raw.consents, 'consents') }),
    ...(raw.notes === undefined ? {} : { notes: fileMapping(raw.notes, 'notes') }),
  };
  return mapping;
}
