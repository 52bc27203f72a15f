import {
  CLASSIFICATIONS,
  type Classification,
  ConfideError,
  clientRecordExpiry,
  isSubjectAccessExemption,
  localDate,
  NOTE_KINDS,
  type NoteKind,
  type RetentionRules,
  SUBJECT_ACCESS_EXEMPTION_NAMES,
  type SubjectAccessExemption,
  validate,
} from '@confide/domain';
import {
  type AllocationKind,
  CONSENT_METHODS,
  CONSENT_SCOPES,
  type ConsentMethod,
  type ConsentScope,
  DISCLOSURE_PURPOSES,
  type DisclosurePurpose,
  type ServiceUserDetails,
} from '@confide/store';
import type { CsvTable } from './csv';
import type { Entity, FileMapping, ImportMapping } from './mapping';

/**
 * Validation of every row, with the API's own validators and bounds (registerServiceUser's `details`, recordNote's
 * body and distribution, allocateWorker's cover rules, recordConsent's required texts). A rejection names the file,
 * the line, the charity's column and a reason code: never the value.
 */

export type ReasonCode =
  | 'MISSING_VALUE'
  | 'INVALID_TEXT'
  | 'INVALID_DATE'
  | 'DATE_IN_FUTURE'
  | 'INVALID_POSTCODE'
  | 'INVALID_NHS_NUMBER'
  | 'INVALID_PHONE'
  | 'INVALID_EMAIL'
  | 'UNKNOWN_VALUE'
  | 'UNMAPPED_NOTE_TYPE'
  | 'CLASSIFICATION_NOT_PERMITTED'
  | 'UNKNOWN_STAFF'
  | 'UNKNOWN_CLIENT'
  | 'CLIENT_REJECTED'
  | 'DUPLICATE_SOURCE_ID'
  | 'DUPLICATE_IN_FILE'
  | 'DUPLICATE_OF_HELD_RECORD'
  | 'NOT_ALLOCATABLE'
  | 'COVER_NEEDS_FUTURE_END'
  | 'PRIMARY_HAS_NO_END'
  | 'DISTRIBUTION_REQUIRED'
  | 'UNKNOWN_PARTNER'
  | 'AMBIGUOUS_PARTNER'
  | 'PARTNER_NOT_FOR_SCOPE'
  | 'PURPOSES_NOT_FOR_SCOPE'
  | 'AUTHOR_ORGANISATION_NOT_FOR_KIND'
  | 'EXEMPTION_REQUIRED'
  | 'EXEMPTION_WITHOUT_WITHHOLDING'
  | 'WITHHOLDING_NOT_PERMITTED'
  | 'CLOSURE_DATE_ON_OPEN_CASE'
  | 'CLOSED_BEFORE_OPENED'
  | 'PAST_RETENTION'
  | 'MALFORMED_CSV'
  | 'WRITE_FAILED'
  /** A row of a client imported before says something else now (decision 0143): not applied; correct it in Confide. */
  | 'CHANGED_SINCE_IMPORT'
  /** A row of a client imported before that was not imported with it (decision 0143): not applied; record it in Confide. */
  | 'ADDED_SINCE_IMPORT'
  /**
   * A closed case of a client an earlier run began, which that run may have closed and the application reopened since
   * (decision 0143): not closed again; close it in Confide if it should be.
   */
  | 'CASE_CHANGED_SINCE_IMPORT';

/** The reasons a row of a client imported before is not applied (decision 0143). */
export const SINCE_IMPORT_REASONS: readonly ReasonCode[] = [
  'CHANGED_SINCE_IMPORT',
  'ADDED_SINCE_IMPORT',
  'CASE_CHANGED_SINCE_IMPORT',
];

export interface Rejection {
  readonly file: string;
  readonly line: number;
  readonly column: string;
  readonly reason: ReasonCode;
}

export interface AllocationRow {
  readonly line: number;
  readonly staffId: string;
  readonly kind: AllocationKind;
  readonly endsAt: Date | undefined;
}

export interface ConsentRow {
  readonly line: number;
  readonly sourceId: string;
  readonly scope: ConsentScope;
  readonly method: ConsentMethod;
  readonly givenBy: 'CLIENT' | 'REPRESENTATIVE';
  readonly sealed: { agencyName?: string; representativeName?: string; capacityNote?: string };
  /** When it was given, from the source (ISO timestamp); undefined: the import's time. */
  readonly recordedAt: string | undefined;
  /** The registered partner agency it names (NAMED_AGENCY, GP, OTHER), as recordConsent's `partnerId`. */
  readonly partnerId: string | undefined;
  /** The kinds of information it covers; undefined: all (recordConsent's `classifications`). */
  readonly classifications: readonly Classification[] | undefined;
  /** The purposes agreed to (sharing scopes only); undefined: none (recordConsent's `purposes`). */
  readonly purposes: readonly DisclosurePurpose[] | undefined;
}

export interface NoteRow {
  readonly line: number;
  readonly sourceId: string;
  readonly kind: NoteKind;
  readonly body: string;
  readonly authorId: string;
  /** The row names no author: the importer is taken for it (what the row says, as a rerun compares it). */
  readonly authorDefaulted?: boolean | undefined;
  readonly distribution: readonly string[];
  /** The rule that admits the author's write (recorded on the note's audit event). */
  readonly rule: string;
  /** When the note was written, from the source (ISO timestamp); undefined: the import's time. */
  readonly recordedAt: string | undefined;
  /** Sealed at the person's request for these staff (recordNote's `sealedFor`); empty: not sealed. */
  readonly sealedFor: readonly string[];
  /** Withheld from the person under a recorded exemption (recordNote's `withheldFromSubject`). */
  readonly withheld: boolean;
  /** The exemption it is withheld under (recordNote's `withholdingExemption`); only on a withheld note. */
  readonly withheldUnder: SubjectAccessExemption | undefined;
  /** CORRESPONDENCE written by another organisation: its name (recordNote's `authorOrganisation`). */
  readonly authorOrganisation: string | undefined;
}

export interface ClientRow {
  readonly line: number;
  readonly sourceId: string;
  readonly details: ServiceUserDetails;
  /** When the case was opened, from the source (ISO timestamp); undefined: the import's time. */
  readonly openedAt: string | undefined;
  /** A closed case: when it closed (ISO timestamp), which starts its retention; undefined: the case is open. */
  readonly closedAt: string | undefined;
  readonly allocations: AllocationRow[];
  readonly consents: ConsentRow[];
  readonly notes: NoteRow[];
}

export interface ImportPlan {
  readonly clients: ClientRow[];
  readonly rejections: Rejection[];
  /** Rows read, by entity (good and bad). */
  readonly rowsRead: Record<Entity, number>;
}

/** What the rows are checked against: the organisation's active staff and the note kinds the importer may write. */
export interface PlanContext {
  readonly now: Date;
  /** Active staff, by handle. */
  readonly staffByHandle: ReadonlyMap<string, string>;
  readonly operatorId: string;
  /**
   * The note.record policy's decision for the note's author, with the relation the import gives them to the client
   * (allocated by one of its allocation rows, or managing the service): its rule, or undefined when it refuses.
   */
  /** Whether the staff member may be allocated to a person: support staff and volunteers only (decision 0014). */
  readonly allocatable: (staffId: string) => boolean;
  readonly noteRule: (
    kind: NoteKind,
    authorId: string,
    allocated: boolean,
    withholding?: SubjectAccessExemption,
  ) => string | undefined;
  /** Registered partner agencies by id and by name (see {@link partnersByIdOrName}); null for a shared name. */
  readonly partners: ReadonlyMap<string, string | null>;
  /** The organisation's retention rules: a closed case already past them is not imported. */
  readonly retention: RetentionRules;
  /** The organisation's time zone: a client's age at closure is taken on the date of the closure there. */
  readonly timeZone: string;
}

/** The scopes of a consent to share (recordConsent: only these name purposes). */
const SHARING_SCOPES: readonly ConsentScope[] = ['FAMILY', 'NAMED_AGENCY', 'GP', 'OTHER'];
/** The scopes a consent naming a partner agency may have (recordConsent). */
const PARTNER_SCOPES: readonly ConsentScope[] = ['NAMED_AGENCY', 'GP', 'OTHER'];

const MAX_NOTE_LENGTH = 20_000;

/** The reason a domain validator's refusal stands for, by the Confide field it checked. */
const REASON_BY_FIELD: Record<string, ReasonCode> = {
  dateOfBirth: 'INVALID_DATE',
  endsAt: 'INVALID_DATE',
  postcode: 'INVALID_POSTCODE',
  nhsNumber: 'INVALID_NHS_NUMBER',
  phone: 'INVALID_PHONE',
  email: 'INVALID_EMAIL',
};

class RowRejected extends Error {
  constructor(
    readonly field: string,
    readonly reason: ReasonCode,
  ) {
    super(reason);
  }
}

/** Runs a domain validator; its refusal becomes a reason code for the field (its message, which may echo the field, is dropped). */
function checked<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof ConfideError) throw new RowRejected(field, REASON_BY_FIELD[field] ?? 'INVALID_TEXT');
    throw error;
  }
}

/** One row's fields through its file mapping: blank is absent (a spreadsheet's empty cell is no value). */
class RowReader {
  constructor(
    private readonly mapping: FileMapping,
    private readonly values: ReadonlyMap<string, string>,
  ) {}

  optional(field: string): string | undefined {
    const column = this.mapping.columns[field];
    const value = column === undefined ? undefined : this.values.get(column);
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  required(field: string): string {
    const value = this.optional(field);
    if (value === undefined) throw new RowRejected(field, 'MISSING_VALUE');
    return value;
  }

  /** An enumeration: the charity's word through `values`, or Confide's own name. */
  oneOf<T extends string>(field: string, allowed: readonly T[]): T {
    return this.#member(field, this.required(field).trim(), allowed);
  }

  /**
   * A list of enumeration values separated by `;`, each as in {@link oneOf}: undefined when the cell is empty; a
   * repeated value is refused (recordConsent's `nonEmptyUnique`).
   */
  listOf<T extends string>(field: string, allowed: readonly T[]): T[] | undefined {
    const raw = this.optional(field);
    if (raw === undefined) return undefined;
    const values = raw
      .split(';')
      .map((word) => word.trim())
      .filter(Boolean)
      .map((word) => this.#member(field, word, allowed));
    if (values.length === 0) return undefined;
    if (new Set(values).size !== values.length) throw new RowRejected(field, 'INVALID_TEXT');
    return values;
  }

  #member<T extends string>(field: string, raw: string, allowed: readonly T[]): T {
    const mapped = this.mapping.values?.[field]?.[raw] ?? raw;
    if (!(allowed as readonly string[]).includes(mapped)) throw new RowRejected(field, 'UNKNOWN_VALUE');
    return mapped as T;
  }
}

function isoDate(value: string, format: ImportMapping['dateFormat']): string {
  if (format === 'DD/MM/YYYY') {
    const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
    // Not a date in the stated format: left as it is, for pastDate to refuse.
    return match ? `${match[3]}-${match[2]?.padStart(2, '0')}-${match[1]?.padStart(2, '0')}` : value;
  }
  return value.trim();
}

/**
 * A source system's date for a record (a note's, a consent's, a case's opening): a date in the mapping's format,
 * optionally followed by a time (`HH:MM` or `HH:MM:SS`, after a space or `T`), read as UTC; not in the future, not
 * before 1900 (the stores check the same). Returned as an ISO timestamp; undefined when the column is empty.
 */
function sourceDate(row: RowReader, field: string, format: ImportMapping['dateFormat'], now: Date) {
  const time = dateTimeIn(row, field, format);
  if (time === undefined) return undefined;
  if (new Date(time).getTime() > now.getTime()) throw new RowRejected(field, 'DATE_IN_FUTURE');
  if (time < '1900-01-01') throw new RowRejected(field, 'INVALID_DATE');
  return time;
}

/**
 * A date in the mapping's format, optionally followed by a time (`HH:MM` or `HH:MM:SS`, after a space or `T`), read
 * as UTC, as an ISO timestamp; undefined when the column is empty. Past or future: the caller says which it takes.
 */
function dateTimeIn(row: RowReader, field: string, format: ImportMapping['dateFormat']): string | undefined {
  const raw = row.optional(field)?.trim();
  if (raw === undefined) return undefined;
  const match = /^(\S+?)(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(raw);
  const day = match?.[1] === undefined ? undefined : isoDate(match[1], format);
  if (!match || !day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RowRejected(field, 'INVALID_DATE');
  const time = `${day}T${(match[2] ?? '0').padStart(2, '0')}:${match[3] ?? '00'}:${match[4] ?? '00'}.000Z`;
  const at = new Date(time);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== time) throw new RowRejected(field, 'INVALID_DATE');
  return time;
}

/** registerServiceUser's `details`, field by field, with the same validators and bounds. */
function clientDetails(row: RowReader, mapping: ImportMapping, now: Date): ServiceUserDetails {
  const at = (field: string) => ['input', field];
  const optional = <T>(field: string, check: (value: string) => T): T | undefined => {
    const value = row.optional(field);
    return value === undefined ? undefined : checked(field, () => check(value));
  };
  return {
    name: checked('name', () => validate.text(at('name'), row.required('name'), { max: 200 })),
    // An import reads its source's dates as UTC (sourceDate), so its "today" is UTC's too.
    dateOfBirth: checked('dateOfBirth', () =>
      validate.pastDate(
        at('dateOfBirth'),
        isoDate(row.required('dateOfBirth'), mapping.dateFormat),
        localDate(now, 'UTC'),
      ),
    ),
    address: optional('address', (v) => validate.text(at('address'), v, { max: 500, multiline: true })),
    postcode: optional('postcode', (v) => validate.postcode(at('postcode'), v)),
    nhsNumber: optional('nhsNumber', (v) => validate.nhsNumber(at('nhsNumber'), v)),
    phone: optional('phone', (v) => validate.phone(at('phone'), v)),
    email: optional('email', (v) => validate.email(at('email'), v)),
    preferredContact: optional('preferredContact', (v) =>
      validate.text(at('preferredContact'), v, { max: 200 }),
    ),
  };
}

/**
 * A closed case's closure date (a source date, required for a closed case, refused on an open one, not before the
 * case opened). A case whose retention under the organisation's rules has already run out is not imported: its
 * records should no longer be held, and closing it now would erase it at once (closeCase refuses the same).
 */
function caseClosure(
  row: RowReader,
  mapping: ImportMapping,
  context: PlanContext,
  details: ServiceUserDetails,
  openedAt: string | undefined,
): string | undefined {
  const status =
    row.optional('caseStatus') === undefined ? 'OPEN' : row.oneOf('caseStatus', ['OPEN', 'CLOSED']);
  const closedAt = sourceDate(row, 'closedAt', mapping.dateFormat, context.now);
  if (status === 'OPEN') {
    if (closedAt !== undefined) throw new RowRejected('closedAt', 'CLOSURE_DATE_ON_OPEN_CASE');
    return undefined;
  }
  if (closedAt === undefined) throw new RowRejected('closedAt', 'MISSING_VALUE');
  if (openedAt !== undefined && closedAt < openedAt)
    throw new RowRejected('closedAt', 'CLOSED_BEFORE_OPENED');
  const { expiresAt } = clientRecordExpiry({
    closedAt: new Date(closedAt),
    closedOn: localDate(closedAt, context.timeZone),
    dateOfBirth: details.dateOfBirth,
    rules: context.retention,
    timeZone: context.timeZone,
  });
  if (expiresAt.getTime() <= context.now.getTime()) throw new RowRejected('closedAt', 'PAST_RETENTION');
  return closedAt;
}

/** A part of what a client's rows say (decision 0143), with the row and column that say it. */
export interface ClientPart {
  readonly part: string;
  readonly value: unknown;
  readonly file: string;
  readonly line: number;
  readonly column: string;
  /** The allocation, consent or note row it is; undefined for the client's own row. */
  readonly row: AllocationRow | ConsentRow | NoteRow | undefined;
}

/** The client's fields a rerun compares one by one (so a correction is named by its column). */
const COMPARED_FIELDS = [
  'name',
  'dateOfBirth',
  'address',
  'postcode',
  'nhsNumber',
  'phone',
  'email',
  'preferredContact',
] as const;

/**
 * What a client's rows say, part by part, as the import writes them and a rerun compares them (decision 0143): each
 * field of the client's row, each allocation (by worker and kind, as its id is derived), each consent and note (by
 * source id), with what it says as validated (so a cell written differently that means the same is no correction),
 * never its row's position (a reordered file is no correction either).
 */
export function clientParts(client: ClientRow, mapping: ImportMapping): ClientPart[] {
  const sorted = (values: readonly string[] | undefined) => (values ? [...values].sort() : undefined);
  const own = (
    field: string,
    value: unknown,
    column = mapping.clients.columns[field] ?? field,
  ): ClientPart => ({
    part: `client.${field}`,
    value,
    file: mapping.clients.file,
    line: client.line,
    column,
    row: undefined,
  });
  const child = (
    entity: 'allocations' | 'consents' | 'notes',
    field: string,
    part: string,
    value: unknown,
    row: AllocationRow | ConsentRow | NoteRow,
  ): ClientPart => {
    const fileMapping = mapping[entity] as FileMapping;
    return {
      part,
      value,
      file: fileMapping.file,
      line: row.line,
      column: fileMapping.columns[field] ?? field,
      row,
    };
  };
  return [
    ...COMPARED_FIELDS.map((field) => own(field, client.details[field])),
    own('openedAt', client.openedAt),
    own('caseStatus', client.closedAt ? 'CLOSED' : 'OPEN'),
    own('closedAt', client.closedAt),
    ...client.allocations.map((allocation) =>
      child(
        'allocations',
        'staffHandle',
        `allocation.${allocation.staffId}|${allocation.kind}`,
        allocation.endsAt?.toISOString(),
        allocation,
      ),
    ),
    ...client.consents.map((consent) =>
      child(
        'consents',
        'sourceId',
        `consent.${consent.sourceId}`,
        {
          scope: consent.scope,
          method: consent.method,
          givenBy: consent.givenBy,
          sealed: consent.sealed,
          recordedAt: consent.recordedAt,
          partnerId: consent.partnerId,
          classifications: sorted(consent.classifications),
          purposes: sorted(consent.purposes),
        },
        consent,
      ),
    ),
    ...client.notes.map((note) =>
      child(
        'notes',
        'sourceId',
        `note.${note.sourceId}`,
        {
          kind: note.kind,
          body: note.body,
          // A row that names no author says so, whoever imports it.
          authorId: note.authorDefaulted ? null : note.authorId,
          distribution: sorted(note.distribution),
          recordedAt: note.recordedAt,
          sealedFor: sorted(note.sealedFor),
          withheld: note.withheld,
          withheldUnder: note.withheldUnder,
          authorOrganisation: note.authorOrganisation,
        },
        note,
      ),
    ),
  ];
}

/** The key two rows share when they are the same person: the NHS number, or name words and date of birth. */
export function personKeys(details: ServiceUserDetails): string[] {
  const keys = [`dob:${details.dateOfBirth}|${validate.nameWords(details.name).sort().join(' ')}`];
  if (details.nhsNumber) keys.push(`nhs:${details.nhsNumber}`);
  return keys;
}

export interface SourceTables {
  readonly clients: CsvTable;
  readonly allocations?: CsvTable | undefined;
  readonly consents?: CsvTable | undefined;
  readonly notes?: CsvTable | undefined;
}

/** Validates every row of every file; returns the clients to import with their records, and every rejection. */
export function planImport(mapping: ImportMapping, tables: SourceTables, context: PlanContext): ImportPlan {
  const rejections: Rejection[] = [];
  const rowsRead: Record<Entity, number> = { clients: 0, allocations: 0, consents: 0, notes: 0 };
  const reject = (entity: Entity, line: number, field: string, reason: ReasonCode) => {
    const fileMapping = mapping[entity] as FileMapping;
    rejections.push({ file: fileMapping.file, line, column: fileMapping.columns[field] ?? field, reason });
  };

  // Clients, with duplicates of source id and of person within the file.
  const clients = new Map<string, ClientRow>();
  const rejectedClients = new Set<string>();
  const seenPeople = new Set<string>();
  for (const { line, values } of tables.clients.rows) {
    rowsRead.clients++;
    const row = new RowReader(mapping.clients, values);
    let sourceId: string | undefined;
    try {
      sourceId = row.required('sourceId').trim();
      if (clients.has(sourceId) || rejectedClients.has(sourceId)) {
        reject('clients', line, 'sourceId', 'DUPLICATE_SOURCE_ID');
        continue;
      }
      const details = clientDetails(row, mapping, context.now);
      const openedAt = sourceDate(row, 'openedAt', mapping.dateFormat, context.now);
      const closedAt = caseClosure(row, mapping, context, details, openedAt);
      const keys = personKeys(details);
      const repeated = keys.find((key) => seenPeople.has(key));
      if (repeated)
        throw new RowRejected(repeated.startsWith('nhs:') ? 'nhsNumber' : 'name', 'DUPLICATE_IN_FILE');
      for (const key of keys) seenPeople.add(key);
      clients.set(sourceId, {
        line,
        sourceId,
        details,
        openedAt,
        closedAt,
        allocations: [],
        consents: [],
        notes: [],
      });
    } catch (error) {
      if (!(error instanceof RowRejected)) throw error;
      if (sourceId !== undefined) rejectedClients.add(sourceId);
      reject('clients', line, error.field, error.reason);
    }
  }

  /** The client a child row belongs to, or its rejection. */
  const clientOf = (row: RowReader): ClientRow => {
    const sourceId = row.required('clientSourceId').trim();
    const client = clients.get(sourceId);
    if (client) return client;
    throw new RowRejected(
      'clientSourceId',
      rejectedClients.has(sourceId) ? 'CLIENT_REJECTED' : 'UNKNOWN_CLIENT',
    );
  };
  const staff = (field: string, handle: string): string => {
    const staffId = context.staffByHandle.get(handle.trim());
    if (!staffId) throw new RowRejected(field, 'UNKNOWN_STAFF');
    return staffId;
  };

  const each = (
    entity: Entity,
    table: CsvTable | undefined,
    handle: (row: RowReader, line: number) => void,
  ) => {
    const fileMapping = mapping[entity] as FileMapping | undefined;
    if (!table || !fileMapping) return;
    for (const { line, values } of table.rows) {
      rowsRead[entity]++;
      try {
        handle(new RowReader(fileMapping, values), line);
      } catch (error) {
        if (!(error instanceof RowRejected)) throw error;
        reject(entity, line, error.field, error.reason);
      }
    }
  };

  each('allocations', tables.allocations, (row, line) => {
    const client = clientOf(row);
    const staffId = staff('staffHandle', row.required('staffHandle'));
    // allocateWorker's: an allocation opens the record only to support staff and volunteers.
    if (!context.allocatable(staffId)) throw new RowRejected('staffHandle', 'NOT_ALLOCATABLE');
    const kind = row.oneOf<AllocationKind>('kind', ['PRIMARY', 'COVER']);
    // In the mapping's date format, as every other date of the files (a day-first date read month-first would end
    // a cover months late, with the access it gives).
    const end = dateTimeIn(row, 'endsAt', mapping.dateFormat);
    const endsAt = end === undefined ? undefined : new Date(end);
    if (kind === 'COVER' && (!endsAt || endsAt.getTime() <= context.now.getTime())) {
      throw new RowRejected('endsAt', 'COVER_NEEDS_FUTURE_END');
    }
    if (kind === 'PRIMARY' && endsAt) throw new RowRejected('endsAt', 'PRIMARY_HAS_NO_END');
    if (client.allocations.some((other) => other.staffId === staffId && other.kind === kind)) {
      throw new RowRejected('staffHandle', 'DUPLICATE_IN_FILE');
    }
    client.allocations.push({ line, staffId, kind, endsAt });
  });

  const consentIds = new Set<string>();
  each('consents', tables.consents, (row, line) => {
    const sourceId = row.required('sourceId').trim();
    if (consentIds.has(sourceId)) throw new RowRejected('sourceId', 'DUPLICATE_SOURCE_ID');
    consentIds.add(sourceId);
    const client = clientOf(row);
    const scope = row.oneOf<ConsentScope>('scope', CONSENT_SCOPES);
    const method = row.oneOf<ConsentMethod>('method', CONSENT_METHODS);
    const givenBy = row.oneOf<'CLIENT' | 'REPRESENTATIVE'>('givenBy', ['CLIENT', 'REPRESENTATIVE']);
    const text = (field: 'agencyName' | 'representativeName' | 'capacityNote', max: number) => {
      const value = row.optional(field);
      return value === undefined
        ? undefined
        : checked(field, () =>
            validate.text(['input', field], value, { max, multiline: field === 'capacityNote' }),
          );
    };
    const sealed = {
      agencyName: text('agencyName', 200),
      representativeName: text('representativeName', 200),
      capacityNote: text('capacityNote', 2000),
    };
    if (scope === 'NAMED_AGENCY' && !sealed.agencyName) throw new RowRejected('agencyName', 'MISSING_VALUE');
    if (givenBy === 'REPRESENTATIVE') {
      if (!sealed.representativeName) throw new RowRejected('representativeName', 'MISSING_VALUE');
      if (!sealed.capacityNote) throw new RowRejected('capacityNote', 'MISSING_VALUE');
    }
    const duplicate = client.consents.some(
      (other) => other.scope === scope && other.method === method && other.givenBy === givenBy,
    );
    if (duplicate) throw new RowRejected('scope', 'DUPLICATE_IN_FILE');
    // recordConsent's rules: a partner is a registered agency, named only by an agency, GP or other consent;
    // purposes only on a consent to share.
    const partner = row.optional('partner')?.trim();
    const partnerId = partner === undefined ? undefined : context.partners.get(partner);
    if (partnerId === null) throw new RowRejected('partner', 'AMBIGUOUS_PARTNER');
    if (partner !== undefined && !partnerId) throw new RowRejected('partner', 'UNKNOWN_PARTNER');
    if (partnerId && !PARTNER_SCOPES.includes(scope))
      throw new RowRejected('partner', 'PARTNER_NOT_FOR_SCOPE');
    const classifications = row.listOf<Classification>('classifications', CLASSIFICATIONS);
    const purposes = row.listOf<DisclosurePurpose>('purposes', DISCLOSURE_PURPOSES);
    if (purposes && !SHARING_SCOPES.includes(scope))
      throw new RowRejected('purposes', 'PURPOSES_NOT_FOR_SCOPE');
    const recordedAt = sourceDate(row, 'recordedAt', mapping.dateFormat, context.now);
    client.consents.push({
      partnerId,
      classifications,
      purposes,
      recordedAt,
      line,
      sourceId,
      scope,
      method,
      givenBy,
      sealed: Object.fromEntries(Object.entries(sealed).filter(([, value]) => value !== undefined)),
    });
  });

  const noteIds = new Set<string>();
  each('notes', tables.notes, (row, line) => {
    const sourceId = row.required('sourceId').trim();
    if (noteIds.has(sourceId)) throw new RowRejected('sourceId', 'DUPLICATE_SOURCE_ID');
    noteIds.add(sourceId);
    const client = clientOf(row);
    const type = mapping.noteTypes[row.required('type').trim()];
    // No mapping, no note: never a default kind (a lower classification would widen who reads it).
    if (!type) throw new RowRejected('type', 'UNMAPPED_NOTE_TYPE');
    const body = checked('body', () =>
      validate.text(['input', 'body'], row.required('body'), { max: MAX_NOTE_LENGTH, multiline: true }),
    );
    const author = row.optional('author');
    const authorId = author === undefined ? context.operatorId : staff('author', author);
    const allocated = client.allocations.some(
      (allocation) =>
        allocation.staffId === authorId && (!allocation.endsAt || allocation.endsAt > context.now),
    );
    if (!context.noteRule(type.kind, authorId, allocated)) {
      throw new RowRejected('type', 'CLASSIFICATION_NOT_PERMITTED');
    }
    // recordNote's: withheld from the person only under a named exemption, and only by an author whose role carries
    // that judgement (the rule then names the exemption, as on the API's audit event).
    const withheld =
      row.optional('withheld') === undefined ? false : row.oneOf('withheld', ['true', 'false']) === 'true';
    const withheldUnder =
      row.optional('withholdingExemption') === undefined
        ? undefined
        : row.oneOf('withholdingExemption', SUBJECT_ACCESS_EXEMPTION_NAMES);
    if (withheld && !withheldUnder) throw new RowRejected('withholdingExemption', 'EXEMPTION_REQUIRED');
    if (!withheld && withheldUnder) {
      throw new RowRejected('withholdingExemption', 'EXEMPTION_WITHOUT_WITHHOLDING');
    }
    const rule = context.noteRule(type.kind, authorId, allocated, withheldUnder);
    if (!rule) throw new RowRejected('withheld', 'WITHHOLDING_NOT_PERMITTED');
    const distribution = (row.optional('distribution') ?? '')
      .split(';')
      .map((handle) => handle.trim())
      .filter(Boolean)
      .map((handle) => staff('distribution', handle));
    if ((type.kind === 'HANDOVER' || type.kind === 'MEETING') && distribution.length === 0) {
      throw new RowRejected('distribution', 'DISTRIBUTION_REQUIRED');
    }
    // recordNote's: sealed for staff of the organisation; an author organisation only on correspondence.
    const sealedFor = (row.optional('sealedFor') ?? '')
      .split(';')
      .map((handle) => handle.trim())
      .filter(Boolean)
      .map((handle) => staff('sealedFor', handle));
    const organisation = row.optional('authorOrganisation');
    const authorOrganisation =
      organisation === undefined
        ? undefined
        : checked('authorOrganisation', () =>
            validate.text(['input', 'authorOrganisation'], organisation, { max: 200 }),
          );
    if (authorOrganisation && type.kind !== 'CORRESPONDENCE') {
      throw new RowRejected('authorOrganisation', 'AUTHOR_ORGANISATION_NOT_FOR_KIND');
    }
    const recordedAt = sourceDate(row, 'recordedAt', mapping.dateFormat, context.now);
    client.notes.push({
      sealedFor: [...new Set(sealedFor)],
      withheld,
      withheldUnder,
      authorOrganisation,
      recordedAt,
      line,
      sourceId,
      kind: type.kind,
      body,
      authorId,
      authorDefaulted: author === undefined,
      distribution: [...new Set(distribution)],
      rule,
    });
  });

  return { clients: [...clients.values()], rejections, rowsRead };
}

export { NOTE_KINDS };

/**
 * A validated client row checked again where it is written (a stage's transfer function, decision 0041): each value
 * must be what registerServiceUser's and recordNote's validators make of it (they normalise, so a value they return
 * is returned unchanged), and a closed case's dates what {@link caseClosure} takes under the organisation's
 * `retention`, the age at closure taken in `timeZone` (a case past its retention would expire at once: an erasure).
 * Answers the first field that is not, or undefined; never the value.
 */
export function recheckedField(
  client: ClientRow,
  now: Date,
  retention: RetentionRules,
  timeZone: string,
  registered: { readonly partnerIds: ReadonlySet<string> },
): string | undefined {
  const at = (field: string) => ['input', field];
  const { details } = client;
  // allocateWorker's rules: a cover ends in the future, a primary allocation does not end.
  for (const allocation of client.allocations) {
    const endsAt = allocation.endsAt;
    const valid = endsAt instanceof Date && !Number.isNaN(endsAt.getTime());
    if (
      allocation.kind === 'COVER'
        ? !valid || endsAt.getTime() <= now.getTime()
        : allocation.kind !== 'PRIMARY' || endsAt !== undefined
    ) {
      return 'allocations.endsAt';
    }
  }
  // recordConsent's: known scope, method and giver; a partner registered here, only on a scope that names one.
  for (const consent of client.consents) {
    if (
      !CONSENT_SCOPES.includes(consent.scope) ||
      !CONSENT_METHODS.includes(consent.method) ||
      !['CLIENT', 'REPRESENTATIVE'].includes(consent.givenBy)
    ) {
      return 'consents.scope';
    }
    if (
      consent.partnerId !== undefined &&
      (!registered.partnerIds.has(consent.partnerId) || !PARTNER_SCOPES.includes(consent.scope))
    ) {
      return 'consents.partner';
    }
  }
  const date = (value: string | undefined) =>
    value === undefined ||
    (typeof value === 'string' &&
      !Number.isNaN(Date.parse(value)) &&
      new Date(value).toISOString() === value);
  if (!date(client.openedAt) || (client.openedAt !== undefined && client.openedAt > now.toISOString())) {
    return 'openedAt';
  }
  if (client.closedAt !== undefined) {
    if (!date(client.closedAt) || client.closedAt > now.toISOString()) return 'closedAt';
    if (client.openedAt !== undefined && client.closedAt < client.openedAt) return 'closedAt';
    const { expiresAt } = clientRecordExpiry({
      closedAt: new Date(client.closedAt),
      closedOn: localDate(client.closedAt, timeZone),
      dateOfBirth: details.dateOfBirth,
      rules: retention,
      timeZone,
    });
    if (expiresAt.getTime() <= now.getTime()) return 'closedAt';
  }
  const checks: [string, unknown, () => unknown][] = [
    ['name', details.name, () => validate.text(at('name'), details.name, { max: 200 })],
    [
      'dateOfBirth',
      details.dateOfBirth,
      () => validate.pastDate(at('dateOfBirth'), details.dateOfBirth, localDate(now, 'UTC')),
    ],
  ];
  const optional = (field: keyof ServiceUserDetails, check: (value: string) => unknown) => {
    const value = details[field];
    if (value !== undefined) checks.push([field, value, () => check(value)]);
  };
  optional('address', (v) => validate.text(at('address'), v, { max: 500, multiline: true }));
  optional('postcode', (v) => validate.postcode(at('postcode'), v));
  optional('nhsNumber', (v) => validate.nhsNumber(at('nhsNumber'), v));
  optional('phone', (v) => validate.phone(at('phone'), v));
  optional('email', (v) => validate.email(at('email'), v));
  optional('preferredContact', (v) => validate.text(at('preferredContact'), v, { max: 200 }));
  for (const note of client.notes) {
    if (!(note.kind in NOTE_KINDS)) return 'notes.kind';
    // Withheld exactly when under a known exemption, as recordNote takes it.
    const exempt = note.withheldUnder !== undefined;
    if (note.withheld !== exempt || (exempt && !isSubjectAccessExemption(note.withheldUnder))) {
      return 'notes.withholdingExemption';
    }
    checks.push([
      'notes.body',
      note.body,
      () => validate.text(at('body'), note.body, { max: MAX_NOTE_LENGTH, multiline: true }),
    ]);
  }
  for (const [field, value, check] of checks) {
    try {
      if (check() !== value) return field;
    } catch {
      return field;
    }
  }
  return undefined;
}

/**
 * A consent names a registered partner agency by its id or by its registered name. Names are not unique: a name two
 * agencies share maps to null, and such a row is rejected (AMBIGUOUS_PARTNER) rather than bound to one of them, whose
 * app would then receive what the person agreed to share with the other. An id always names its own agency.
 */
export function partnersByIdOrName(
  partners: readonly { readonly partnerId: string; readonly name: string }[],
): ReadonlyMap<string, string | null> {
  const byName = new Map<string, string | null>();
  for (const { partnerId, name } of partners) {
    byName.set(name, byName.has(name) && byName.get(name) !== partnerId ? null : partnerId);
  }
  return new Map([...byName, ...partners.map(({ partnerId }) => [partnerId, partnerId] as const)]);
}
