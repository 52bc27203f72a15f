import { randomUUID } from 'node:crypto';
import { type ClientRelationFacts, OPERATION_POLICIES, type OperationDecision } from '@confide/access';
import type { ConfideServices } from '@confide/api/services';
import {
  type Classification,
  ConfideError,
  classificationOf,
  ErrorCode,
  localDate,
  type NoteKind,
  newId,
  type Relationship,
  type RetentionRules,
  type SubjectAccessExemption,
  validate,
} from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import {
  type AuditEvent,
  CONTACT_FIELDS,
  type ImportClaim,
  type ImportedPart,
  ImportRecords,
  type ImportRow,
  type Item,
  ItemLoader,
  importedRecordId,
  inParallel,
  type KeyedNoteHeld,
  REGISTERED_PROFILE_VERSION,
  type ServiceUserDetails,
  type ServiceUserRecord,
  type StaffMember,
  type TenantScope,
  TenantTable,
} from '@confide/store';
import { CliError } from '../data-dir';
import type { ImportMapping } from './mapping';
import type { Progress } from './progress';
import {
  type AllocationRow,
  type ClientPart,
  type ClientRow,
  type ConsentRow,
  clientParts,
  type ImportPlan,
  type NoteRow,
  personKeys,
  type Rejection,
} from './rows';

/**
 * The import engine (issue 21, decision 0032). It writes through the same store classes and keys as the API
 * (ServiceUsers.register, allocate, Consents.record, CaseNotes.record: sealed under each person's subject key, blind
 * indexes, MACs), decides with the API's own operation policies, and records one audit event per record written,
 * naming the run (in `items`) and the operator (the actor). Row identities (ImportRecords) make it resumable.
 */

/** The importer's standing, from the operation policies the API would apply to each write. */
export interface ImportAuthority {
  readonly operator: StaffMember;
  readonly register: OperationDecision;
  readonly allocate: OperationDecision;
  readonly consent: OperationDecision;
  /** Closing an imported closed case (which starts its retention), as `closeCase` decides it. */
  readonly close: OperationDecision;
  /** The rule admitting a note of this kind by this author (allocated to the client or not); undefined: refused. */
  readonly noteBy: (
    kind: NoteKind,
    author: StaffMember,
    allocated: boolean,
    withholding?: SubjectAccessExemption,
  ) => string | undefined;
}

/**
 * Safe by default: an import runs only into an active organisation that has published its confidentiality policy,
 * as an active staff member who has acknowledged it and whom `client.register` admits for the service (its
 * managers). Notes, allocations and consents are decided as for that person managing the new client's service.
 */
/**
 * What the operation policies decide a staff member's import into a service with: their roles and acknowledgement of
 * the organisation's current policy, and their links to the service, as their account is now. The same for the import
 * itself (`importAuthority`) and for an authorisation's grantor, checked on every call of a stage's import.
 */
export function importerFacts(
  organisation: { policyVersion: number | undefined; preset: 'STRICT' | 'GROUP_WIDE' },
  staff: StaffMember,
  serviceId: string,
) {
  const manages = staff.serviceLinks.manages.has(serviceId);
  return {
    caller: {
      kind: 'STAFF' as const,
      roles: staff.roles,
      acknowledgedPolicy:
        organisation.policyVersion === undefined ||
        staff.acknowledgedPolicyVersion === organisation.policyVersion,
    },
    preset: organisation.preset,
    approved: false,
    service: { manages, member: manages || staff.serviceLinks.memberOf.has(serviceId) },
  };
}

export function importAuthority(
  organisation: { status: string; policyVersion: number | undefined; preset: 'STRICT' | 'GROUP_WIDE' },
  operator: StaffMember,
  serviceId: string,
): ImportAuthority {
  if (organisation.status !== 'ACTIVE')
    throw new CliError('The organisation is not active: nothing is imported.');
  if (organisation.policyVersion === undefined) {
    throw new CliError(
      'The organisation has no confidentiality policy yet: publish one (publishConfidentialityPolicy) before importing.',
    );
  }
  if (operator.status !== 'ACTIVE') throw new CliError('The importing staff member is not active.');
  const { service, ...base } = importerFacts(organisation, operator, serviceId);
  const { caller } = base;
  const register = OPERATION_POLICIES['client.register'].decide({ ...base, service });
  if (register.effect === 'POLICY_NOT_ACKNOWLEDGED') {
    throw new CliError(
      "The importing staff member has not acknowledged the organisation's current confidentiality policy.",
    );
  }
  if (register.effect !== 'ALLOW') {
    throw new CliError(
      `The importing staff member may not register clients in this service (${register.rule}): only its managers import into it.`,
    );
  }
  // The importer's relation to a client they have just registered in a service they manage.
  const relation: ClientRelationFacts = {
    allocated: false,
    managesService: true,
    qaReview: false,
    investigation: false,
    serviceMember: true,
    emergency: undefined,
    self: false,
    conflict: false,
  };
  const decide = (
    policy: 'case.allocate' | 'consent.record' | 'note.record' | 'case.close',
    facts: {
      caller?: typeof caller;
      relation?: ClientRelationFacts;
      classification?: Classification;
      withholding?: SubjectAccessExemption | undefined;
    } = {},
  ) =>
    OPERATION_POLICIES[policy].decide({
      ...base,
      caller: facts.caller ?? caller,
      relation: facts.relation ?? relation,
      change: {
        ...(facts.classification ? { classification: facts.classification } : {}),
        ...(facts.withholding ? { withholding: facts.withholding } : {}),
      },
    });
  return {
    operator,
    register,
    allocate: decide('case.allocate'),
    consent: decide('consent.record', { classification: 'CONSENT' }),
    close: decide('case.close'),
    noteBy: (kind, author, allocated, withholding) => {
      if (author.status !== 'ACTIVE') return undefined;
      // The author's own standing, as when they record it through the API; the importer's acknowledgement stands
      // for the run (an author who left the policy unacknowledged still wrote the note in the old system).
      const manages = author.serviceLinks.manages.has(serviceId);
      const decision = decide('note.record', {
        caller: { kind: 'STAFF', roles: author.roles, acknowledgedPolicy: true },
        relation: {
          ...relation,
          allocated,
          managesService: manages,
          serviceMember: manages || author.serviceLinks.memberOf.has(serviceId) || allocated,
        },
        classification: classificationOf(kind),
        withholding,
      });
      return decision.effect === 'ALLOW' ? decision.rule : undefined;
    },
  };
}

export interface ImportSummary {
  readonly runId: string | undefined;
  readonly dryRun: boolean;
  readonly clients: number;
  readonly allocations: number;
  readonly consents: number;
  readonly notes: number;
  readonly alreadyImported: number;
  readonly rejections: Rejection[];
  readonly seconds: number;
}

interface Options {
  readonly services: ConfideServices;
  readonly scope: TenantScope;
  readonly serviceId: string;
  readonly mapping: ImportMapping;
  readonly authority: ImportAuthority;
  readonly plan: ImportPlan;
  readonly dryRun: boolean;
  readonly progress?: Progress | undefined;
  /** Clients written at once (each with its notes, consents and allocations). */
  readonly batchSize?: number;
  /** The organisation's retention rules: a closed case's records are scheduled by them. */
  readonly retention: RetentionRules;
  /** The organisation's time zone: a client's age at closure is taken on the date of the closure there. */
  readonly timeZone: string;
}

/**
 * What one pass over the import's rows has read of the clients already held: each blind-index bucket's candidates,
 * and each candidate's identity (as `personKeys` gives it) and registration time. Rows that share a name word, as a
 * common first name does in a large organisation, read that bucket and its people once. The import writes nothing
 * during a pass; a client registered through the API meanwhile may be missed, as a pass reading each row afresh could
 * miss one registered just after its row was checked.
 */
class HeldClients {
  readonly #buckets = new Map<string, Promise<string[]>>();
  readonly #people = new Map<string, Promise<HeldPerson | undefined>>();
  readonly #loader: ItemLoader;

  constructor(
    private readonly services: ConfideServices,
    private readonly scope: TenantScope,
    /** The service imported into: only its people are looked at (its manager sees them; others' they may not). */
    private readonly serviceId: string,
  ) {
    this.#loader = new ItemLoader(services.dynamo, services.keys);
  }

  /** A held client of the service that is the same person (NHS number, or name words and date of birth), if any. */
  async match(details: ServiceUserDetails, createdSince?: string): Promise<string | undefined> {
    const words = validate.nameWords(details.name);
    const lookups: Promise<string[]>[] = [];
    if (details.nhsNumber) lookups.push(this.#candidates('nhs', details.nhsNumber));
    if (words[0]) lookups.push(this.#candidates('name', words[0]));
    const candidates = [...new Set((await Promise.all(lookups)).flat())];
    const wanted = new Set(personKeys(details));
    // Every candidate not read yet, at once: the loader batches their profiles and keys, 100 keys a call.
    const people = await Promise.all(candidates.map((clientId) => this.#person(clientId)));
    return candidates.find((_, index) => {
      const person = people[index];
      if (!person || (createdSince !== undefined && person.createdAt < createdSince)) return false;
      return person.keys.some((entry) => wanted.has(entry));
    });
  }

  #candidates(kind: 'nhs' | 'name', value: string): Promise<string[]> {
    return remembered(this.#buckets, `${kind}|${value}`, () =>
      this.services.serviceUsers.candidates(this.scope, kind, value),
    );
  }

  #person(clientId: string): Promise<HeldPerson | undefined> {
    return remembered(this.#people, clientId, () => this.#read(clientId));
  }

  async #read(clientId: string): Promise<HeldPerson | undefined> {
    const { services, scope } = this;
    this.#loader.prefetchSubjectKey(scope.orgId, clientId);
    const record = await services.serviceUsers.get(scope, clientId, this.#loader);
    // Another service's person is never opened, nor matched: whether they are held is not the importer's to learn.
    if (record?.serviceId !== this.serviceId) return undefined;
    const key = await this.#loader.subjectKey(scope.orgId, clientId);
    if (!key) return undefined;
    const open = (field: 'name' | 'dateOfBirth' | 'nhsNumber') =>
      services.serviceUsers.openDetail(key, record, field);
    return {
      createdAt: record.createdAt,
      keys: personKeys({
        name: open('name') ?? '',
        dateOfBirth: open('dateOfBirth') ?? '',
        nhsNumber: open('nhsNumber'),
      }),
    };
  }
}

interface HeldPerson {
  readonly createdAt: string;
  readonly keys: readonly string[];
}

/** The value kept under `key`, made and kept on first asking. */
function remembered<V>(kept: Map<string, V>, key: string, make: () => V): V {
  let value = kept.get(key);
  if (value === undefined) {
    value = make();
    kept.set(key, value);
  }
  return value;
}

/** BatchWriteItem calls in flight at once, and audit chunks written at once (each on its own chain). */
const WRITE_CONCURRENCY = 8;
const AUDIT_CONCURRENCY = 4;
const BATCHES_AT_ONCE = 2;

/** A new client's ids, fixed when its row is claimed (decision 0032): a rerun writes the same client again. */
interface NewClientPlan {
  readonly clientId: string;
  readonly reference: string;
  readonly externalSubject: string;
  readonly claimedAt?: string | undefined;
}

interface DoneRow {
  readonly rowKey: string;
  readonly recordId: string;
  readonly clientId: string;
  readonly runId: string;
  readonly claimedAt: string;
  readonly contents?: Uint8Array | undefined;
}

/** A row claimed with the ids it fixes for a new client (decision 0032): its client is written whole. */
const claimedWithIds = (row: ImportRow | undefined): row is ImportRow & { clientId: string } =>
  row?.state === 'CLAIMED' && !!row.clientId && !!row.reference && !!row.externalSubject;

/** The consent a consent row becomes, whichever run writes it. */
const consentIdOf = (consentKey: string) => importedRecordId('consent', consentKey, 'consent');

/** The allocation a new client's allocation row becomes: by worker and kind (one row each), never by row order. */
const allocationIdOf = (clientKey: string, allocation: AllocationRow) =>
  importedRecordId('allocation', clientKey, `${allocation.staffId}|${allocation.kind}`);

/** What the note store is given for a note row, on every path: its source id is its idempotency key. */
const noteInputOf = (sourceSystem: string, note: NoteRow) => ({
  kind: note.kind,
  body: note.body,
  authorId: note.authorId,
  distribution: note.distribution,
  sealedFor: note.sealedFor,
  withheld: note.withheld,
  withheldUnder: note.withheldUnder,
  authorOrganisation: note.authorOrganisation,
  idempotencyKey: `import:${sourceSystem}:${note.sourceId}`,
  recordedAt: note.recordedAt,
});

/**
 * Whether the import may close the case of a client completed record by record whose row records no closure version
 * (begun by a run before decision 0143, which recorded none): only while its profile is still at the version it was
 * registered at. A closure and a reopening each move the version on, as does any other change in the application; at
 * any other version that run may have closed the case and a manager reopened it since, and closing it again from what
 * the files say would undo the reopening.
 */
const closableUnrecorded = (profile: ServiceUserRecord) =>
  profile.caseStatus !== 'OPEN' || profile.version === REGISTERED_PROFILE_VERSION;

/**
 * What a part kept on a row is said to say when it was written saying something no longer known (a note an interrupted
 * run wrote before digests were kept, corrected since): no row says it, so every rerun names that row as changed.
 */
const WRITTEN_OTHERWISE = { writtenOtherwise: true } as const;

/** Where and as whom an import writes: what every part of a run needs (a stage's function builds it per call). */
export type ImportTarget = Omit<Options, 'plan' | 'dryRun' | 'progress'>;

/** Clients sorted by what a run must do with them (decision 0032). */
export interface ClassifiedClients {
  /** To write now (new, or begun by an interrupted run), in file order. */
  readonly todo: ClientRow[];
  /** Finished by an earlier run: skipped. */
  readonly alreadyImported: number;
  /**
   * Clients the organisation already holds (by blind index), not imported; and rows of clients written before that
   * say something else now, or were not written with them (decision 0143), not applied.
   */
  readonly rejections: Rejection[];
  /** Each client's row identity, and what is known of it. */
  readonly clientKeys: ReadonlyMap<ClientRow, string>;
  readonly known: ReadonlyMap<string, ImportRow>;
  /**
   * Clients an interrupted run wrote whole (their profile exists, and it is written last): a rerun writes nothing of
   * them again, whatever the application has done with them since (decision 0143); it audits them and marks them done.
   */
  readonly writtenWhole: ReadonlySet<ClientRow>;
  /** Their allocation, consent and note rows that the interrupted run did not write (added to the files since). */
  readonly unwritten: ReadonlySet<ClientPart['row']>;
  /**
   * What the interrupted run wrote of each of them, as the digests their rows keep once done (decision 0143): its
   * row's own, or where it kept none, those of the rows found written (see {@link ImportEngine.classify}).
   */
  readonly writtenContents: ReadonlyMap<ClientRow, Uint8Array | undefined>;
}

/** The totals a run records at its end. */
export interface ImportCounts {
  clients: number;
  allocations: number;
  consents: number;
  notes: number;
}

/**
 * The import's writing half, on the stores: classifies clients against the row identities and held clients, starts
 * a run, writes batches of clients with their audit events, finishes the run. Locally `runImport` drives it over the
 * whole plan; against a deployed stage the stage's transfer function drives it one invocation at a time
 * (services/transfer, decision 0041), with the same code.
 */
export class ImportEngine {
  readonly records: ImportRecords;

  constructor(readonly target: ImportTarget) {
    const { services } = target;
    this.records = new ImportRecords(
      services.dynamo,
      services.config.tables.data,
      services.keys,
      services.clock,
    );
  }

  rowKey(entity: 'CLIENT' | 'CONSENT', sourceId: string): Promise<string> {
    return this.records.rowKey(this.target.scope, this.target.mapping.sourceSystem, entity, sourceId);
  }

  /**
   * Which clients are finished, begun, or new; a new one that is already held is a duplicate. The rows of a finished
   * client, or of one an interrupted run wrote whole, are compared with what was written: a row that says something
   * else now, or was not written, is rejected (decision 0143), never applied over what the application holds. For a
   * client written whole whose row keeps no digests, what was written is what is found under the ids its claim fixed.
   * A closed case that an earlier run may have closed and the application reopened since is not closed again, and
   * its row is named (CASE_CHANGED_SINCE_IMPORT).
   */
  async classify(clients: readonly ClientRow[]): Promise<ClassifiedClients> {
    const { services, scope, mapping } = this.target;
    const clientKeys = new Map<ClientRow, string>();
    for (const client of clients) clientKeys.set(client, await this.rowKey('CLIENT', client.sourceId));
    const known = await this.records.rows(scope, [...clientKeys.values()]);
    // Begun under the ids its claim fixed, and written whole if its profile exists (every other item goes first).
    const begun = clients.filter((client) => claimedWithIds(known.get(clientKeys.get(client) ?? '')));
    const loader = new ItemLoader(services.dynamo, services.keys);
    const begunProfiles = await Promise.all(
      begun.map((client) =>
        services.serviceUsers.get(scope, known.get(clientKeys.get(client) ?? '')?.clientId ?? '', loader),
      ),
    );
    const writtenWhole = new Set(begun.filter((_, index) => begunProfiles[index]));
    const unwritten = new Set<ClientPart['row']>();
    const writtenContents = new Map<ClientRow, Uint8Array | undefined>();
    let alreadyImported = 0;
    const todo: ClientRow[] = [];
    const rejections: Rejection[] = [];
    const held = new HeldClients(services, scope, this.target.serviceId);
    await inParallel(clients, 16, async (client) => {
      const row = known.get(clientKeys.get(client) ?? '');
      if (row?.state === 'DONE') {
        alreadyImported++;
        const changes = await this.changesSinceWritten(client, row);
        // An erased person's rows are not theirs to correct any more: nothing is said of them.
        if (
          changes.length > 0 &&
          !(row.clientId && (await services.tombstones.erasure(scope, row.clientId)))
        ) {
          rejections.push(...changes.map(({ rejection }) => rejection));
        }
        return;
      }
      // Begun by an interrupted run, then erased: never written again (as a DONE row's person is not, decision
      // 0082). Its profile is gone, so it would otherwise be taken for one the run never got to.
      if (row?.clientId && (await services.tombstones.erasure(scope, row.clientId))) {
        alreadyImported++;
        return;
      }
      if (!row && (await held.match(client.details))) {
        const field = client.details.nhsNumber ? 'nhsNumber' : 'name';
        rejections.push({
          file: mapping.clients.file,
          line: client.line,
          column: mapping.clients.columns[field] ?? field,
          reason: 'DUPLICATE_OF_HELD_RECORD',
        });
        return;
      }
      if (row && writtenWhole.has(client)) {
        // What the interrupted run wrote: as its row's digests say, or, where it kept none, as found.
        const written = row.contents
          ? { changes: await this.changesSinceWritten(client, row), contents: row.contents }
          : await this.#foundWritten(client, row);
        writtenContents.set(client, written.contents);
        for (const { rejection, part } of written.changes) {
          rejections.push(rejection);
          if (rejection.reason === 'ADDED_SINCE_IMPORT') unwritten.add(part.row);
        }
      } else if (row && !claimedWithIds(row) && client.closedAt && row.closingFrom === undefined) {
        const rejection = await this.#unrecordedClosure(client, row, held);
        if (rejection) rejections.push(rejection);
      }
      todo.push(client);
    });
    todo.sort((a, b) => a.line - b.line);
    rejections.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    return { todo, alreadyImported, rejections, clientKeys, known, writtenWhole, unwritten, writtenContents };
  }

  /**
   * What an interrupted run wrote of a client it wrote whole, where its row keeps no digests of what the rows said
   * (claimed by a run before decision 0143, or with more parts than are kept): each allocation, consent and note row is
   * looked for under the id its claim fixed (an ended allocation's item stays; a note's request digest is of what it
   * first said). A row not found was not written with the client (ADDED_SINCE_IMPORT); a note found saying something
   * else was corrected since (CHANGED_SINCE_IMPORT). Neither is written now, and only what was found is audited.
   * Answers them, and the digests to keep once the client is done: the rows found (a corrected note as written
   * otherwise, so a later rerun names it again), the client's own row as the files say it now (what it said then is
   * not known: a correction of it before this rerun goes unreported, as for a row done before digests were kept).
   */
  async #foundWritten(
    client: ClientRow,
    row: ImportRow,
  ): Promise<{ changes: { part: ClientPart; rejection: Rejection }[]; contents: Uint8Array | undefined }> {
    const { services, scope, mapping } = this.target;
    const clientId = row.clientId ?? '';
    const key = (await services.keys.subjectKeys(scope.orgId, [clientId])).get(clientId);
    if (!key) throw new CliError('A client written by the import has no key: stopped, nothing more written.');
    const consentIds = new Map<ConsentRow, string>();
    for (const consent of client.consents) {
      consentIds.set(consent, consentIdOf(await this.rowKey('CONSENT', consent.sourceId)));
    }
    const [allocations, consents, notes] = await Promise.all([
      services.serviceUsers.allocationHistory(scope, clientId),
      services.consents.byIds(scope, clientId, [...consentIds.values()]),
      services.caseNotes.keyedNotesHeld(
        scope,
        clientId,
        key,
        client.notes.map((note) => noteInputOf(mapping.sourceSystem, note)),
      ),
    ]);
    const allocationIds = new Set(allocations.map((allocation) => allocation.allocationId));
    const consentsHeld = new Set(consents.map((consent) => consent.consentId));
    const found = new Map<ClientPart['row'], KeyedNoteHeld>();
    for (const allocation of client.allocations) {
      found.set(
        allocation,
        allocationIds.has(allocationIdOf(row.rowKey, allocation)) ? 'AS_GIVEN' : 'ABSENT',
      );
    }
    for (const consent of client.consents) {
      found.set(consent, consentsHeld.has(consentIds.get(consent) ?? '') ? 'AS_GIVEN' : 'ABSENT');
    }
    for (const [index, note] of client.notes.entries()) found.set(note, notes[index] ?? 'ABSENT');
    const changes: { part: ClientPart; rejection: Rejection }[] = [];
    const kept: ImportedPart[] = [];
    for (const part of clientParts(client, mapping)) {
      const state = part.row ? found.get(part.row) : 'AS_GIVEN';
      if (state === 'AS_GIVEN') {
        kept.push(part);
        continue;
      }
      if (state === 'OTHERWISE') kept.push({ part: part.part, value: WRITTEN_OTHERWISE });
      const reason = state === 'OTHERWISE' ? 'CHANGED_SINCE_IMPORT' : 'ADDED_SINCE_IMPORT';
      changes.push({ part, rejection: { file: part.file, line: part.line, column: part.column, reason } });
    }
    return { changes, contents: await this.records.contents(scope, kept) };
  }

  /**
   * A closed case of a client completed record by record whose row records no closure version (begun by a run before
   * decision 0143): closed only while its profile is at the version it was registered at ({@link closableUnrecorded}).
   * Open at any other, it may have been closed by that run and reopened by a manager since: it is not closed again,
   * and its row is named (CASE_CHANGED_SINCE_IMPORT, the case status column), never a value.
   */
  async #unrecordedClosure(
    client: ClientRow,
    row: ImportRow,
    held: HeldClients,
  ): Promise<Rejection | undefined> {
    const { services, scope, mapping } = this.target;
    // A row still claimed names no client: the one its run registered after the claim, if any, as a run adopts it.
    const clientId =
      row.clientId ?? (row.state === 'CLAIMED' ? await held.match(client.details, row.claimedAt) : undefined);
    // None: this run registers the person, at the version registration gives.
    if (!clientId) return undefined;
    const profile = await services.serviceUsers.get(
      scope,
      clientId,
      new ItemLoader(services.dynamo, services.keys),
    );
    if (!profile || closableUnrecorded(profile)) return undefined;
    return {
      file: mapping.clients.file,
      line: client.line,
      column: mapping.clients.columns.caseStatus ?? 'caseStatus',
      reason: 'CASE_CHANGED_SINCE_IMPORT',
    };
  }

  /**
   * What a client's rows say now against what the import wrote for them (decision 0143), as rejections naming the
   * row and column (never the value): CHANGED_SINCE_IMPORT, ADDED_SINCE_IMPORT. Nothing for a row written before
   * its contents were kept.
   */
  async changesSinceWritten(
    client: ClientRow,
    row: ImportRow,
  ): Promise<{ part: ClientPart; rejection: Rejection }[]> {
    if (!row.contents) return [];
    const parts = clientParts(client, this.target.mapping);
    const changes = await this.records.changes(this.target.scope, row.contents, parts);
    return parts.flatMap((part) => {
      const change = changes.get(part.part);
      if (!change) return [];
      const reason = change === 'CHANGED' ? 'CHANGED_SINCE_IMPORT' : 'ADDED_SINCE_IMPORT';
      return [{ part, rejection: { file: part.file, line: part.line, column: part.column, reason } }];
    });
  }

  /** What a client's rows say, as its row keeps it once the import has written them (decision 0143). */
  contentsOf(client: ClientRow): Promise<Uint8Array | undefined> {
    return this.records.contents(this.target.scope, clientParts(client, this.target.mapping));
  }

  /** Refuses a run with closed cases when the importer may not close them (before anything is written). */
  checkClosing(todo: readonly ClientRow[]): void {
    const { close } = this.target.authority;
    if (todo.some((client) => client.closedAt) && close.effect !== 'ALLOW') {
      throw new CliError(`The importing staff member may not close cases in this service (${close.rule}).`);
    }
  }

  /** The run itself, before anything of it is written: who imports what into which service. */
  async begin(runId: string = newId('importRun')): Promise<ImportRun> {
    const run = new ImportRun(this, runId);
    const { scope, serviceId, mapping, authority } = this.target;
    await this.records.startRun(scope, {
      runId: run.runId,
      serviceId,
      operatorId: authority.operator.staffId,
      sourceSystem: mapping.sourceSystem,
    });
    await run.audit([run.runEvent('started')]);
    return run;
  }

  /** A run begun by an earlier call (a stage's transfer function: one invocation a batch). */
  resume(runId: string): ImportRun {
    // Each call numbers its audit chunks afresh: a part of its own keeps their request ids apart.
    return new ImportRun(this, runId, `${runId}.${randomUUID().slice(0, 8)}`);
  }
}

/** One run of the import: its id, its audit events, its batches. */
export class ImportRun {
  readonly counts: ImportCounts = { clients: 0, allocations: 0, consents: 0, notes: 0 };
  #requestSeq = 0;
  #retentionYears: Promise<number | undefined> | undefined;

  constructor(
    readonly engine: ImportEngine,
    readonly runId: string,
    /** Its audit chunks' request ids start with this: the run id, and for a resumed run a part of its own. */
    readonly requestPrefix: string = runId,
  ) {}

  event(
    entry: Omit<
      AuditEvent,
      'orgId' | 'requestId' | 'at' | 'actor' | 'purpose' | 'emergency' | 'outcome' | 'relationship'
    > & {
      relationship?: Relationship | undefined;
    },
  ): AuditEvent {
    const { services, scope, authority } = this.engine.target;
    const operator = authority.operator;
    return {
      orgId: scope.orgId,
      requestId: this.runId,
      at: services.clock.now().toISOString(),
      actor: { kind: 'STAFF', id: operator.staffId, roles: [...operator.roles] },
      purpose: undefined,
      emergency: false,
      outcome: 'ALLOWED',
      relationship: entry.relationship ?? 'MANAGES_SERVICE',
      ...entry,
    };
  }

  runEvent(phase: 'started' | 'finished'): AuditEvent {
    return this.event({
      action: 'ADMIN',
      operation: 'importRun',
      subjectId: undefined,
      fields: [`ImportRun.${phase}`],
      classifications: [],
      rule: `import.${phase}`,
      relationship: undefined,
      items: [this.runId],
    });
  }

  async audit(events: AuditEvent[]): Promise<void> {
    const { services, scope } = this.engine.target;
    this.#retentionYears ??= services.directory
      .organisation(scope.orgId)
      .then((organisation) => organisation?.retention.auditYears);
    const retentionYears = await this.#retentionYears;
    const chunks: AuditEvent[][] = [];
    for (let start = 0; start < events.length; start += 198) {
      const requestId = `${this.requestPrefix}.${this.#requestSeq++}`;
      chunks.push(events.slice(start, start + 198).map((entry) => ({ ...entry, requestId })));
    }
    // Each chunk on its own chain (the audit log leases one per write), a few at once.
    await inParallel(chunks, AUDIT_CONCURRENCY, async (chunk) => {
      await services.auditLog.write(chunk, { retentionYears });
    });
  }

  /** Writes clients, batchSize at a time, a few batches at once. */
  async write(classified: ClassifiedClients, progress?: Progress): Promise<void> {
    const batchSize = this.engine.target.batchSize ?? 50;
    const batches: ClientRow[][] = [];
    for (let start = 0; start < classified.todo.length; start += batchSize)
      batches.push(classified.todo.slice(start, start + batchSize));
    // Batches are independent (their own rows, clients and audit chains): a few at once keep DynamoDB busy while this
    // process seals the next one.
    await inParallel(batches, BATCHES_AT_ONCE, async (batch) => {
      const records = await this.writeBatch(batch, classified);
      progress?.advance(batch.length, records);
    });
  }

  /** The run's end: its closing event and summary. */
  async finish(summary: {
    imported: ImportCounts;
    rejected: number;
    alreadyImported: number;
  }): Promise<void> {
    const { scope } = this.engine.target;
    await this.audit([this.runEvent('finished')]);
    await this.engine.records.finishRun(scope, this.runId, {
      imported: { ...summary.imported },
      rejected: summary.rejected,
      alreadyImported: summary.alreadyImported,
    });
  }

  /** One batch of clients, whole or record by record, audited, then DONE. Answers the records written. */
  async writeBatch(batch: readonly ClientRow[], classified: ClassifiedClients): Promise<number> {
    const { engine, runId, counts } = this;
    const { records } = engine;
    const options = engine.target;
    const { services, scope, authority } = options;
    const { known, clientKeys, writtenWhole, unwritten } = classified;
    const operator = authority.operator;
    const event = this.event.bind(this);
    const rowKey = (entity: 'CLIENT' | 'CONSENT', sourceId: string) => engine.rowKey(entity, sourceId);
    const refused = () =>
      new CliError(
        'Another import into this organisation is writing the same rows: run one import at a time.',
      );
    // What the stores are given for a note and a consent row, the same on the whole-client and record-by-record paths.
    const noteInput = (note: NoteRow) => noteInputOf(options.mapping.sourceSystem, note);
    const consentInput = (consent: ClientRow['consents'][number]) => ({
      scope: consent.scope,
      method: consent.method,
      givenBy: consent.givenBy,
      managerInvolved: true,
      recordedBy: operator.staffId,
      sealed: consent.sealed,
      recordedAt: consent.recordedAt,
      partnerId: consent.partnerId,
      classifications: consent.classifications,
      purposes: consent.purposes,
    });
    // A closed case's records get their expiry as closeCase gives them (every item of the client, and its key).
    const scheduleRetention = async (clientId: string, key: SubjectKey | undefined) => {
      const closed = await services.serviceUsers.get(
        scope,
        clientId,
        new ItemLoader(services.dynamo, services.keys),
      );
      if (!closed || !key)
        throw new CliError('A closed case written by the import cannot be read back: stopped.');
      await services.retention.schedule(scope, closed, key, options.retention, options.timeZone);
    };

    const clientKey = (client: ClientRow) => clientKeys.get(client) ?? '';
    /**
     * Closes a case completed record by record, once (decision 0143): the row records the profile version it closes
     * from first, and the closure is conditional on it. A rerun closes only if the profile is still at that version
     * (the closure never happened, nothing else did either); at any other, the case was closed, or changed in the
     * application, since: it is left as the application has it, a reopening included. A row that records no version
     * (begun by a run before that decision) closes only from the version the profile was registered at
     * ({@link closableUnrecorded}; `classify` names the row of a case it leaves open).
     */
    const closeOnce = async (
      client: ClientRow,
      clientId: string,
      row: ImportRow | undefined,
      profile: ServiceUserRecord,
    ) => {
      if (profile.caseStatus !== 'OPEN') return;
      const from = row?.closingFrom ?? REGISTERED_PROFILE_VERSION;
      if (profile.version !== from) return;
      if (row?.closingFrom === undefined) await records.closing(scope, clientKey(client), from);
      try {
        const closedAt = new Date(client.closedAt ?? '');
        await services.serviceUsers.setCaseStatus(scope, clientId, {
          status: 'CLOSED',
          closedAt,
          closedOn: localDate(closedAt, options.timeZone),
          expectedVersion: from,
        });
      } catch (error) {
        // Changed in the application between the read and the closure: theirs stands.
        if (!(error instanceof ConfideError && error.code === ErrorCode.CONFLICT)) throw error;
      }
    };
    const audit = (events: AuditEvent[]) => this.audit(events);
    // The batch's consent rows, read with what is known of them.
    const consentKeys = new Map<ClientRow['consents'][number], string>();
    for (const client of batch) {
      for (const consent of client.consents)
        consentKeys.set(consent, await rowKey('CONSENT', consent.sourceId));
    }
    const consentRows =
      consentKeys.size > 0
        ? await records.rows(scope, [...consentKeys.values()])
        : new Map<string, ImportRow>();

    // What each client's rows say now: kept on its row once it is written from them (decision 0143).
    const contents = new Map<ClientRow, Uint8Array | undefined>();
    for (const client of batch) contents.set(client, await engine.contentsOf(client));

    // Which clients the import writes whole (a new row; or one an interrupted run claimed with its ids and never
    // gave a profile), which an interrupted run wrote whole (their profile exists: nothing of them is written again),
    // and which it completes record by record (claimed by a run before ids were fixed at the claim: registered, or
    // adopted).
    const planned = new Map<ClientRow, NewClientPlan>();
    const claims: ImportClaim[] = [];
    const begun: ClientRow[] = [];
    for (const client of batch) {
      const row = known.get(clientKey(client));
      if (!claimedWithIds(row) || writtenWhole.has(client)) continue;
      begun.push(client);
      planned.set(client, {
        clientId: row.clientId,
        reference: row.reference ?? '',
        externalSubject: row.externalSubject ?? '',
        claimedAt: row.claimedAt,
      });
    }
    for (const client of batch) {
      if (known.has(clientKey(client))) continue;
      const clientId = newId('serviceUser');
      const identity = services.serviceUsers.importIdentity(scope, clientId);
      planned.set(client, {
        clientId,
        reference: identity.reference,
        externalSubject: identity.externalSubject,
      });
      claims.push({
        rowKey: clientKey(client),
        clientId,
        reference: identity.reference,
        externalSubject: identity.externalSubject,
        also: identity.claim,
        contents: contents.get(client),
      });
    }
    // Consent rows are claimed only for clients completed record by record: a client claimed with its ids has its
    // consents under ids fixed by their rows, written with it (and found by those ids on a rerun), and is DONE with
    // them.
    const claimedConsents = new Set<string>();
    for (const client of batch) {
      if (planned.has(client) || writtenWhole.has(client) || known.get(clientKey(client))?.reference)
        continue;
      for (const consent of client.consents) {
        const consentKey = consentKeys.get(consent) ?? '';
        if (consentRows.has(consentKey)) continue;
        claims.push({ rowKey: consentKey });
        claimedConsents.add(consentKey);
      }
    }
    const claimedAt = claims.length > 0 ? await records.claim(scope, runId, claims) : '';
    if (claimedAt === false) throw refused();

    const consentsDone: DoneRow[] = [];
    const clientIds = new Map<ClientRow, string>();
    const events: AuditEvent[] = [];
    let batchRecords = 0;
    const clientWritten = (client: ClientRow, clientId: string) => {
      events.push(
        event({
          action: 'WRITE',
          operation: 'importServiceUser',
          subjectId: clientId,
          fields: [
            ...Object.entries(client.details)
              .filter(([, value]) => value !== undefined)
              .map(([field]) => `ServiceUser.${field}`),
            ...(client.closedAt ? ['ServiceUser.caseStatus'] : []),
          ],
          classifications: CONTACT_FIELDS.some((field) => client.details[field] !== undefined)
            ? ['IDENTIFYING', 'CONTACT']
            : ['IDENTIFYING'],
          rule: authority.register.rule,
          items: [runId],
        }),
      );
      counts.clients++;
      batchRecords++;
    };
    const allocationWritten = (clientId: string, allocationId: string) => {
      events.push(
        event({
          action: 'WRITE',
          operation: 'importAllocation',
          subjectId: clientId,
          fields: ['ServiceUser.allocations'],
          classifications: ['PSEUDONYMOUS'],
          rule: authority.allocate.rule,
          items: [runId, allocationId],
        }),
      );
      counts.allocations++;
      batchRecords++;
    };
    const consentWritten = (clientId: string, consentKey: string, consentId: string) => {
      const row = consentRows.get(consentKey);
      if (row || claimedConsents.has(consentKey)) {
        consentsDone.push({
          rowKey: consentKey,
          recordId: consentId,
          clientId,
          runId,
          claimedAt: row?.claimedAt ?? (claimedAt || ''),
        });
      }
      events.push(
        event({
          action: 'WRITE',
          operation: 'importConsent',
          subjectId: clientId,
          fields: ['Consent'],
          classifications: ['CONSENT'],
          rule: authority.consent.rule,
          items: [runId, consentId],
        }),
      );
      counts.consents++;
      batchRecords++;
    };
    const notesWritten = (clientId: string, notes: ClientRow['notes'], noteIds: readonly string[]) => {
      for (const [index, note] of notes.entries()) {
        events.push(
          event({
            action: 'WRITE',
            operation: 'importNote',
            subjectId: clientId,
            fields: ['CaseNote.body'],
            classifications: [classificationOf(note.kind)],
            rule: note.rule,
            items: [runId, noteIds[index] ?? ''],
          }),
        );
        counts.notes++;
        batchRecords++;
      }
    };

    // 1. The new clients, whole: each under its own new subject key (or the key a begun one has), its notes sealed
    // and bound by the note store's own code. Every item but the profiles first, 25 a call, then the profiles: a
    // client exists once its profile does, with everything of it already there.
    const newClients = batch.filter((client) => planned.has(client));
    if (newClients.length > 0) {
      const ids = newClients.map((client) => planned.get(client)?.clientId ?? '');
      const held = begun.length > 0 ? await services.keys.subjectKeys(scope.orgId, ids) : new Map();
      const created = await services.keys.createSubjectKeys(
        scope.orgId,
        ids.filter((id) => !held.has(id)),
      );
      const keyOf = (clientId: string) => held.get(clientId) ?? created.get(clientId);
      const items: Item[] = [];
      const profiles: Item[] = [];
      for (const client of newClients) {
        const plan = planned.get(client) as NewClientPlan;
        const key = keyOf(plan.clientId);
        if (!key)
          throw new CliError('A client written by the import has no key: stopped, nothing more written.');
        const notes = services.caseNotes.importItems(scope, plan.clientId, key, client.notes.map(noteInput));
        // By worker and kind (one row each, checked in the file), not by row order: a rerun of a reordered file
        // still writes the same allocation items.
        const allocations = client.allocations.map((allocation) => ({
          ...allocation,
          allocationId: allocationIdOf(clientKey(client), allocation),
        }));
        const built = await services.serviceUsers.importItems(scope, key, {
          clientId: plan.clientId,
          reference: plan.reference,
          externalSubject: plan.externalSubject,
          serviceId: options.serviceId,
          details: client.details,
          openedAt: client.openedAt,
          allocations,
          latestNoteId: notes.latestNoteId,
          closedAt: client.closedAt,
          closedOn: client.closedAt && localDate(client.closedAt, options.timeZone),
        });
        items.push(...built.items, ...notes.items);
        clientIds.set(client, plan.clientId);
        clientWritten(client, plan.clientId);
        for (const allocation of built.allocations) allocationWritten(plan.clientId, allocation.allocationId);
        for (const consent of client.consents) {
          const consentKey = consentKeys.get(consent) ?? '';
          if (consentRows.get(consentKey)?.state === 'DONE') continue;
          const consentId = consentIdOf(consentKey);
          items.push(
            (await services.consents.importItem(scope, plan.clientId, key, consentId, consentInput(consent)))
              .item,
          );
          consentWritten(plan.clientId, consentKey, consentId);
        }
        notesWritten(
          plan.clientId,
          client.notes,
          notes.notes.map((note) => note.noteId),
        );
        profiles.push(built.profile);
      }
      // A begun client is written from the files as they are now: its row says so before any item of it is written
      // again, so a rerun after its profile compares the files with what was written (decision 0143).
      await records.rewriting(
        scope,
        begun.map((client) => ({
          rowKey: clientKey(client),
          runId,
          contents: contents.get(client),
        })),
      );
      const gateway = new TenantTable(scope, services.dynamo, services.config.tables.data);
      await gateway.batchPut(items, { concurrency: WRITE_CONCURRENCY });
      if (process.env.CONFIDE_IMPORT_STOP === 'before-profiles') {
        // A test's interruption at the one point a begun client has items and no profile (decision 0032).
        process.exit(75);
      }
      await gateway.batchPut(profiles, { concurrency: WRITE_CONCURRENCY });
      await inParallel(
        newClients.filter((client) => client.closedAt),
        8,
        async (client) => {
          const clientId = planned.get(client)?.clientId ?? '';
          await scheduleRetention(clientId, keyOf(clientId));
        },
      );
    }

    // 2. The clients an interrupted run wrote whole: every record of them was written with the profile, so none is
    // written again (decision 0143) — an allocation a manager ended since stays ended, a case reopened stays open.
    // What it wrote is audited again (that run may have stopped before its events: an event may repeat, never go
    // missing), but for rows added to the files since, which it never wrote (they are reported). A closed case it
    // wrote gets the schedule the run may not have reached, as `closeCase` would: never one the application reopened.
    const whole = batch.filter((client) => writtenWhole.has(client));
    const wholeKeys =
      whole.length > 0
        ? await services.keys.subjectKeys(
            scope.orgId,
            whole.map((client) => known.get(clientKey(client))?.clientId ?? ''),
          )
        : new Map<string, SubjectKey>();
    await inParallel(whole, 8, async (client) => {
      const clientId = known.get(clientKey(client))?.clientId ?? '';
      const key = wholeKeys.get(clientId);
      if (!key)
        throw new CliError('A client written by the import has no key: stopped, nothing more written.');
      clientIds.set(client, clientId);
      clientWritten(client, clientId);
      for (const allocation of client.allocations) {
        if (unwritten.has(allocation)) continue;
        allocationWritten(clientId, allocationIdOf(clientKey(client), allocation));
      }
      for (const consent of client.consents) {
        if (unwritten.has(consent)) continue;
        const consentKey = consentKeys.get(consent) ?? '';
        consentWritten(clientId, consentKey, consentIdOf(consentKey));
      }
      const notes = client.notes.filter((note) => !unwritten.has(note));
      // The ids the run wrote them under (their source ids' idempotency keys), made as it made them; nothing written.
      const built = services.caseNotes.importItems(scope, clientId, key, notes.map(noteInput));
      notesWritten(
        clientId,
        notes,
        built.notes.map((note) => note.noteId),
      );
      const profile = await services.serviceUsers.get(
        scope,
        clientId,
        new ItemLoader(services.dynamo, services.keys),
      );
      if (profile?.caseStatus === 'CLOSED' && profile.expiresAt === undefined) {
        await scheduleRetention(clientId, key);
      }
    });

    // 3. The clients that a run claimed before row ids were fixed at the claim: registered or adopted, then completed
    // record by record (idempotent one by one, so a resumed client completes). What the import wrote of them before
    // is not written again (decision 0143): an allocation of the worker and kind the person has had, current or
    // ended, is not granted again, and the case is closed only from the version the import first closed it from.
    const existing = batch.filter((client) => !planned.has(client) && !writtenWhole.has(client));
    await inParallel(existing, existing.length, async (client) => {
      const row: ImportRow | undefined = known.get(clientKey(client));
      let clientId = row?.clientId;
      if (!clientId && row?.state === 'CLAIMED') {
        clientId = await new HeldClients(services, scope, this.engine.target.serviceId).match(
          client.details,
          row.claimedAt,
        );
      }
      if (!clientId) {
        ({ clientId } = await services.serviceUsers.register(scope, {
          serviceId: options.serviceId,
          details: client.details,
          requestedBy: operator.staffId,
          openedAt: client.openedAt,
        }));
      }
      clientIds.set(client, clientId);
    });
    const unmarked = existing.filter((client) => {
      const row = known.get(clientKey(client));
      return row?.state !== 'WRITTEN' && !row?.clientId;
    });
    if (unmarked.length > 0) {
      await records.mark(
        scope,
        'WRITTEN',
        unmarked.map((client) => ({
          rowKey: clientKey(client),
          recordId: clientIds.get(client) ?? '',
          clientId: clientIds.get(client) ?? '',
          runId,
        })),
      );
    }
    const subjectKeys =
      existing.length > 0
        ? await services.keys.subjectKeys(
            scope.orgId,
            existing.map((client) => clientIds.get(client) ?? ''),
          )
        : new Map();
    await inParallel(existing, existing.length, async (client) => {
      const clientId = clientIds.get(client) ?? '';
      const row = known.get(clientKey(client));
      const key = subjectKeys.get(clientId);
      if (!key)
        throw new CliError('A client written by the import has no key: stopped, nothing more written.');
      if (row?.state !== 'DONE') clientWritten(client, clientId);
      const profile = await services.serviceUsers.get(
        scope,
        clientId,
        new ItemLoader(services.dynamo, services.keys),
      );
      if (client.closedAt && profile) await closeOnce(client, clientId, row, profile);
      if (client.closedAt && profile?.expiresAt === undefined) await scheduleRetention(clientId, key);
      const history = await services.serviceUsers.allocationHistory(scope, clientId);
      for (const [index, allocation] of client.allocations.entries()) {
        const held = history.find((a) => a.staffId === allocation.staffId && a.kind === allocation.kind);
        if (held) {
          // Written by an interrupted run (or made in the application since): never granted again, however it stands
          // now (ended by a manager, it stays ended). The run may have stopped before its audit events: audited again
          // (an event may repeat, never go missing).
          allocationWritten(clientId, held.allocationId);
          continue;
        }
        const written = await services.serviceUsers.allocate(scope, clientId, allocation);
        allocationWritten(clientId, written.allocationId ?? String(index));
      }
      const adopted = new Set<string>();
      for (const consent of client.consents) {
        const consentKey = consentKeys.get(consent) ?? '';
        const consentRow = consentRows.get(consentKey);
        if (consentRow?.state === 'DONE') continue;
        let consentId: string | undefined;
        if (consentRow) {
          // Written by an interrupted run, if it got that far: by the id its row records, or by what it says and who
          // recorded it after the claim.
          const held = await services.consents.list(scope, clientId);
          consentId =
            held.find((entry) => entry.consentId === consentRow.recordId)?.consentId ??
            held.find(
              (entry) =>
                !adopted.has(entry.consentId) &&
                entry.recordedBy === operator.staffId &&
                entry.createdAt >= consentRow.claimedAt &&
                entry.scope === consent.scope &&
                entry.method === consent.method &&
                entry.givenBy === consent.givenBy,
            )?.consentId;
        }
        if (!consentId) {
          consentId = (await services.consents.record(scope, clientId, key, consentInput(consent))).consentId;
        }
        adopted.add(consentId);
        consentWritten(clientId, consentKey, consentId);
      }
      // The client's notes in one transaction (up to 99 at a time), the profile's latest note set once. The source
      // note id is the idempotency key: the same note id on every run, so never a second note.
      const written = await services.caseNotes.recordMany(scope, clientId, key, client.notes.map(noteInput));
      notesWritten(
        clientId,
        client.notes,
        written.map((note) => note.noteId),
      );
    });

    // 3. Their audit events (chunks on separate chains at once), then the rows are done: a record is never left
    // unaudited by a finished run.
    if (process.env.CONFIDE_IMPORT_STOP === 'before-audit') {
      // A test's interruption once a batch is written, before its audit events (decision 0032).
      process.exit(75);
    }
    await audit(events);
    if (process.env.CONFIDE_IMPORT_STOP === 'before-done') {
      // A test's interruption once a batch is written and audited, before its rows say so (decision 0032).
      process.exit(75);
    }
    await records.done(scope, [
      ...consentsDone,
      ...batch.map((client) => ({
        rowKey: clientKey(client),
        recordId: clientIds.get(client) ?? '',
        clientId: clientIds.get(client) ?? '',
        runId,
        claimedAt: known.get(clientKey(client))?.claimedAt ?? (claimedAt || ''),
        // What was written: for a client an interrupted run wrote whole, what it wrote (as `classify` found it), else
        // the files as they are now.
        contents: writtenWhole.has(client) ? classified.writtenContents.get(client) : contents.get(client),
      })),
    ]);
    return batchRecords;
  }
}

export async function runImport(options: Options): Promise<ImportSummary> {
  const started = Date.now();
  const engine = new ImportEngine(options);
  const classified = await engine.classify(options.plan.clients);
  const rejections = [...options.plan.rejections, ...classified.rejections];
  const summary = (runId: string | undefined, counts: ImportCounts): ImportSummary => ({
    runId,
    dryRun: options.dryRun,
    ...counts,
    alreadyImported: classified.alreadyImported,
    rejections,
    seconds: (Date.now() - started) / 1000,
  });
  if (options.dryRun) {
    // Nothing is written: the counts are what a real run would write now.
    return summary(undefined, countsOf(classified.todo, classified.unwritten));
  }
  engine.checkClosing(classified.todo);
  const run = await engine.begin();
  await run.write(classified, options.progress);
  const result = summary(run.runId, { ...run.counts });
  await run.finish({
    imported: run.counts,
    rejected: rejections.length,
    alreadyImported: classified.alreadyImported,
  });
  return result;
}

/**
 * What writing these clients would import: the dry run's counts. `unwritten`: rows of clients written whole before
 * that were not written with them (decision 0143), which a run neither writes nor audits.
 */
export function countsOf(
  clients: readonly ClientRow[],
  unwritten: ReadonlySet<ClientPart['row']> = new Set(),
): ImportCounts {
  const counts = { clients: 0, allocations: 0, consents: 0, notes: 0 };
  const written = <T extends ClientPart['row']>(rows: readonly T[]) =>
    rows.filter((row) => !unwritten.has(row)).length;
  for (const client of clients) {
    counts.clients++;
    counts.allocations += written(client.allocations);
    counts.consents += written(client.consents);
    counts.notes += written(client.notes);
  }
  return counts;
}
