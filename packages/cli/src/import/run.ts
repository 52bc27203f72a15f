import { type ClientRelationFacts, OPERATION_POLICIES, type OperationDecision } from '@confide/access';
import type { ConfideServices } from '@confide/api';
import {
  type Classification,
  classificationOf,
  type NoteKind,
  newId,
  type Relationship,
  validate,
} from '@confide/domain';
import {
  type AuditEvent,
  ImportRecords,
  type ImportRow,
  ItemLoader,
  inParallel,
  type ServiceUserDetails,
  type StaffMember,
  type TenantScope,
} from '@confide/store';
import { CliError } from '../data-dir';
import type { ImportMapping } from './mapping';
import type { Progress } from './progress';
import { type ClientRow, type ImportPlan, personKeys, type Rejection } from './rows';

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
  /** The rule admitting a note of this kind by this author (allocated to the client or not); undefined: refused. */
  readonly noteBy: (kind: NoteKind, author: StaffMember, allocated: boolean) => string | undefined;
}

/**
 * Safe by default: an import runs only into an active organisation that has published its confidentiality policy,
 * as an active staff member who has acknowledged it and whom `client.register` admits for the service (its
 * managers). Notes, allocations and consents are decided as for that person managing the new client's service.
 */
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
  const caller = {
    kind: 'STAFF' as const,
    roles: operator.roles,
    acknowledgedPolicy: operator.acknowledgedPolicyVersion === organisation.policyVersion,
  };
  const manages = operator.serviceLinks.manages.has(serviceId);
  const member = manages || operator.serviceLinks.memberOf.has(serviceId);
  const base = { caller, preset: organisation.preset, approved: false };
  const register = OPERATION_POLICIES['client.register'].decide({ ...base, service: { manages, member } });
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
    policy: 'case.allocate' | 'consent.record' | 'note.record',
    facts: { caller?: typeof caller; relation?: ClientRelationFacts; classification?: Classification } = {},
  ) =>
    OPERATION_POLICIES[policy].decide({
      ...base,
      caller: facts.caller ?? caller,
      relation: facts.relation ?? relation,
      change: facts.classification ? { classification: facts.classification } : {},
    });
  return {
    operator,
    register,
    allocate: decide('case.allocate'),
    consent: decide('consent.record', { classification: 'CONSENT' }),
    noteBy: (kind, author, allocated) => {
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
}

/** A held client that is the same person (NHS number, or name words and date of birth), if any. */
async function heldMatch(
  services: ConfideServices,
  scope: TenantScope,
  details: ServiceUserDetails,
  createdSince?: string,
): Promise<string | undefined> {
  const words = validate.nameWords(details.name);
  const lookups: Promise<string[]>[] = [];
  if (details.nhsNumber) lookups.push(services.serviceUsers.candidates(scope, 'nhs', details.nhsNumber));
  if (words[0]) lookups.push(services.serviceUsers.candidates(scope, 'name', words[0]));
  const candidates = [...new Set((await Promise.all(lookups)).flat())];
  if (candidates.length === 0) return undefined;
  const wanted = new Set(personKeys(details));
  const loader = new ItemLoader(services.dynamo, services.keys);
  for (const clientId of candidates) {
    const record = await services.serviceUsers.get(scope, clientId, loader);
    if (!record || (createdSince !== undefined && record.createdAt < createdSince)) continue;
    const key = await loader.subjectKey(scope.orgId, clientId);
    if (!key) continue;
    const open = (field: 'name' | 'dateOfBirth' | 'nhsNumber') =>
      services.serviceUsers.openDetail(key, record, field);
    const held = personKeys({
      name: open('name') ?? '',
      dateOfBirth: open('dateOfBirth') ?? '',
      nhsNumber: open('nhsNumber'),
    });
    if (held.some((entry) => wanted.has(entry))) return clientId;
  }
  return undefined;
}

export async function runImport(options: Options): Promise<ImportSummary> {
  const started = Date.now();
  const { services, scope, plan, authority } = options;
  const records = new ImportRecords(
    services.dynamo,
    services.config.tables.data,
    services.keys,
    services.clock,
  );
  const rejections = [...plan.rejections];
  const rowKey = (entity: 'CLIENT' | 'CONSENT', sourceId: string) =>
    records.rowKey(scope, options.mapping.sourceSystem, entity, sourceId);

  // Which clients are finished, begun, or new; a new one that is already held is a duplicate.
  const clientKeys = new Map<ClientRow, string>();
  for (const client of plan.clients) clientKeys.set(client, await rowKey('CLIENT', client.sourceId));
  const known = await records.rows(scope, [...clientKeys.values()]);
  let alreadyImported = 0;
  const todo: ClientRow[] = [];
  await inParallel(plan.clients, 16, async (client) => {
    const row = known.get(clientKeys.get(client) ?? '');
    if (row?.state === 'DONE') {
      alreadyImported++;
      return;
    }
    if (!row && (await heldMatch(services, scope, client.details))) {
      const field = client.details.nhsNumber ? 'nhsNumber' : 'name';
      rejections.push({
        file: options.mapping.clients.file,
        line: client.line,
        column: options.mapping.clients.columns[field] ?? field,
        reason: 'DUPLICATE_OF_HELD_RECORD',
      });
      return;
    }
    todo.push(client);
  });
  todo.sort((a, b) => a.line - b.line);
  const counts = { clients: 0, allocations: 0, consents: 0, notes: 0 };
  const summary = (runId: string | undefined): ImportSummary => ({
    runId,
    dryRun: options.dryRun,
    ...counts,
    alreadyImported,
    rejections,
    seconds: (Date.now() - started) / 1000,
  });
  if (options.dryRun) {
    // Nothing is written: the counts are what a real run would write now.
    for (const client of todo) {
      counts.clients++;
      counts.allocations += client.allocations.length;
      counts.consents += client.consents.length;
      counts.notes += client.notes.length;
    }
    return summary(undefined);
  }

  const runId = newId('importRun');
  const operator = authority.operator;
  const actor = { kind: 'STAFF', id: operator.staffId, roles: [...operator.roles] };
  let requestSeq = 0;
  const event = (
    entry: Omit<
      AuditEvent,
      'orgId' | 'requestId' | 'at' | 'actor' | 'purpose' | 'emergency' | 'outcome' | 'relationship'
    > & {
      relationship?: Relationship | undefined;
    },
  ): AuditEvent => ({
    orgId: scope.orgId,
    requestId: runId,
    at: services.clock.now().toISOString(),
    actor,
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    relationship: entry.relationship ?? 'MANAGES_SERVICE',
    ...entry,
  });
  const audit = async (events: AuditEvent[]) => {
    for (let start = 0; start < events.length; start += 198) {
      const requestId = `${runId}.${requestSeq++}`;
      await services.auditLog.write(
        events.slice(start, start + 198).map((entry) => ({ ...entry, requestId })),
        { retentionYears: (await services.directory.organisation(scope.orgId))?.retention.auditYears },
      );
    }
  };

  // The run itself, before anything of it is written: who imports what into which service.
  await records.startRun(scope, {
    runId,
    serviceId: options.serviceId,
    operatorId: operator.staffId,
    sourceSystem: options.mapping.sourceSystem,
  });
  await audit([
    event({
      action: 'ADMIN',
      operation: 'importRun',
      subjectId: undefined,
      fields: ['ImportRun.started'],
      classifications: [],
      rule: 'import.started',
      relationship: undefined,
      items: [runId],
    }),
  ]);

  const batchSize = options.batchSize ?? 40;
  for (let start = 0; start < todo.length; start += batchSize) {
    const batch = todo.slice(start, start + batchSize);
    const fresh = batch.filter((client) => !known.has(clientKeys.get(client) ?? ''));
    if (
      !(await records.claim(
        scope,
        runId,
        fresh.map((client) => clientKeys.get(client) ?? ''),
      ))
    ) {
      throw new CliError(
        'Another import into this organisation is writing the same rows: run one import at a time.',
      );
    }
    // The batch's consent rows: read and claimed together (one call per 100), marked DONE with the clients.
    const consentKeys = new Map<ClientRow['consents'][number], string>();
    for (const client of batch) {
      for (const consent of client.consents)
        consentKeys.set(consent, await rowKey('CONSENT', consent.sourceId));
    }
    const consentRows =
      consentKeys.size > 0
        ? await records.rows(scope, [...consentKeys.values()])
        : new Map<string, ImportRow>();
    const freshConsents = [...consentKeys.values()].filter((consentKey) => !consentRows.has(consentKey));
    if (!(await records.claim(scope, runId, freshConsents))) {
      throw new CliError(
        'Another import into this organisation is writing the same rows: run one import at a time.',
      );
    }
    const consentsDone: { rowKey: string; recordId: string; clientId: string; runId: string }[] = [];
    const clientIds = new Map<ClientRow, string>();
    // 1. The clients, each under a new subject key (or, for a row an interrupted run claimed, the one it wrote).
    await inParallel(batch, batchSize, async (client) => {
      const row: ImportRow | undefined = known.get(clientKeys.get(client) ?? '');
      let clientId = row?.clientId;
      if (!clientId && row?.state === 'CLAIMED') {
        clientId = await heldMatch(services, scope, client.details, row.claimedAt);
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
    await records.mark(
      scope,
      'WRITTEN',
      batch
        .filter((client) => known.get(clientKeys.get(client) ?? '')?.state !== 'WRITTEN')
        .map((client) => ({
          rowKey: clientKeys.get(client) ?? '',
          recordId: clientIds.get(client) ?? '',
          clientId: clientIds.get(client) ?? '',
          runId,
        })),
    );

    // 2. Each client's allocations, consents and notes: idempotent one by one, so a resumed client completes. The
    // batch's subject keys are read together (one call per 100), not one read a client.
    const subjectKeys = await services.keys.subjectKeys(scope.orgId, [...clientIds.values()]);
    const events: AuditEvent[] = [];
    let batchRecords = 0;
    await inParallel(batch, batchSize, async (client) => {
      const clientId = clientIds.get(client) ?? '';
      const resumed = known.has(clientKeys.get(client) ?? '');
      const key = subjectKeys.get(clientId);
      if (!key)
        throw new CliError('A client written by the import has no key: stopped, nothing more written.');
      if (!resumed || known.get(clientKeys.get(client) ?? '')?.state !== 'DONE') {
        events.push(
          event({
            action: 'WRITE',
            operation: 'importServiceUser',
            subjectId: clientId,
            fields: Object.entries(client.details)
              .filter(([, value]) => value !== undefined)
              .map(([field]) => `ServiceUser.${field}`),
            classifications:
              client.details.phone || client.details.email ? ['IDENTIFYING', 'CONTACT'] : ['IDENTIFYING'],
            rule: authority.register.rule,
            items: [runId],
          }),
        );
        counts.clients++;
        batchRecords++;
      }
      const profile = resumed
        ? await services.serviceUsers.get(scope, clientId, new ItemLoader(services.dynamo, services.keys))
        : undefined;
      for (const allocation of client.allocations) {
        const held = profile?.allocations.some(
          (a) => a.staffId === allocation.staffId && a.kind === allocation.kind,
        );
        if (held) continue;
        const written = await services.serviceUsers.allocate(scope, clientId, allocation);
        events.push(
          event({
            action: 'WRITE',
            operation: 'importAllocation',
            subjectId: clientId,
            fields: ['ServiceUser.allocations'],
            classifications: ['PSEUDONYMOUS'],
            rule: authority.allocate.rule,
            items: [runId, written.allocationId],
          }),
        );
        counts.allocations++;
        batchRecords++;
      }
      const adopted = new Set<string>();
      for (const consent of client.consents) {
        const consentKey = consentKeys.get(consent) ?? '';
        const row = consentRows.get(consentKey);
        if (row?.state === 'DONE') continue;
        let consentId: string | undefined;
        if (row) {
          // Claimed by an interrupted run: the consent it recorded after its claim, if it got that far.
          const held = await services.consents.list(scope, clientId);
          consentId = held.find(
            (entry) =>
              !adopted.has(entry.consentId) &&
              entry.recordedBy === operator.staffId &&
              entry.createdAt >= row.claimedAt &&
              entry.scope === consent.scope &&
              entry.method === consent.method &&
              entry.givenBy === consent.givenBy,
          )?.consentId;
        }
        if (!consentId) {
          const written = await services.consents.record(scope, clientId, key, {
            scope: consent.scope,
            method: consent.method,
            givenBy: consent.givenBy,
            managerInvolved: true,
            recordedBy: operator.staffId,
            sealed: consent.sealed,
            recordedAt: consent.recordedAt,
          });
          consentId = written.consentId;
        }
        adopted.add(consentId);
        consentsDone.push({ rowKey: consentKey, recordId: consentId, clientId, runId });
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
      }
      // The client's notes in one transaction (up to 99 at a time), the profile's latest note set once. The source
      // note id is the idempotency key: the same note id on every run, so never a second note.
      const written = await services.caseNotes.recordMany(
        scope,
        clientId,
        key,
        client.notes.map((note) => ({
          kind: note.kind,
          body: note.body,
          authorId: note.authorId,
          distribution: note.distribution,
          idempotencyKey: `import:${options.mapping.sourceSystem}:${note.sourceId}`,
          recordedAt: note.recordedAt,
        })),
      );
      for (const [index, note] of client.notes.entries()) {
        events.push(
          event({
            action: 'WRITE',
            operation: 'importNote',
            subjectId: clientId,
            fields: ['CaseNote.body'],
            classifications: [classificationOf(note.kind)],
            rule: note.rule,
            items: [runId, written[index]?.noteId ?? ''],
          }),
        );
        counts.notes++;
        batchRecords++;
      }
    });

    // 3. Their audit events, then the rows are done: a record is never left unaudited by a finished run.
    await audit(events);
    await records.mark(scope, 'DONE', [
      ...consentsDone,
      ...batch.map((client) => ({
        rowKey: clientKeys.get(client) ?? '',
        recordId: clientIds.get(client) ?? '',
        clientId: clientIds.get(client) ?? '',
        runId,
      })),
    ]);
    options.progress?.advance(batch.length, batchRecords);
  }

  const result = summary(runId);
  await audit([
    event({
      action: 'ADMIN',
      operation: 'importRun',
      subjectId: undefined,
      fields: ['ImportRun.finished'],
      classifications: [],
      rule: 'import.finished',
      relationship: undefined,
      items: [runId],
    }),
  ]);
  await records.finishRun(scope, runId, {
    imported: { ...counts },
    rejected: rejections.length,
    alreadyImported,
  });
  return result;
}
