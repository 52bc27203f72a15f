import { randomUUID } from 'node:crypto';
import { ALLOCATABLE_ROLES, OPERATION_POLICIES } from '@confide/access';
import type { Authenticator } from '@confide/api/authentication';
import { organisationExports } from '@confide/api/provisioning';
import type { ConfideServices } from '@confide/api/services';
import { ConfideError, isIdOf, newId, type OrgId, type RetentionRules } from '@confide/domain';
import {
  type AuditEvent,
  type ImportAuthorisation,
  ImportAuthorisations,
  type PlatformAuditEvent,
  type StaffMember,
  TamperedItemError,
  type TenantScope,
  tenantScope,
} from '@confide/store';
// The export and the import are the CLI's code (decision 0034, 0032); the stage runs the same code where the
// organisation's keys may be used (decision 0041). The CLI package has no exports map: its files by path.
import { CliError } from '../../../packages/cli/src/data-dir';
import { type ImportMapping, parseMapping } from '../../../packages/cli/src/import/mapping';
import { type ClientRow, recheckedField } from '../../../packages/cli/src/import/rows';
import {
  countsOf,
  type ImportAuthority,
  type ImportCounts,
  ImportEngine,
  type ImportTarget,
  importAuthority,
  importerFacts,
} from '../../../packages/cli/src/import/run';
import {
  auditExportReads,
  clientIdPage,
  EXPORT_READ,
  type ExportCursor,
  PersonReader,
  recordExportInPlatformAudit,
  servicesDocument,
  staffDocument,
} from '../../../packages/cli/src/org-export';

/**
 * The stage's transfer function (decision 0041): the processor's export before offboarding (decision 0034) and the
 * import of a charity's records (decision 0032) against a deployed stage, run where the organisation's keys may be
 * used — with the tenant-scoped credentials the api uses (decision 0031) — and invoked by the operator's CLI with
 * SigV4, as the verifier is. Every request carries the operator's Cognito token (`CONFIDE_OPERATOR_TOKEN`): the
 * function admits only an ACTIVE platform operator, whose id the audit events name. An import's request also names
 * an import authorisation (`authorisation`, decision 0146) that one of the service's managers gave through the API:
 * the import runs under the authority of that staff member, checked on every call as their account is then, never of
 * a name or a token in the request (the operator holds no staff member's sign-in).
 *
 * Operations (`{ operation, token, input }`; an import's input names `slug`, `service` and `authorisation`):
 * - `export.begin` `{ slug }`: the platform audit (ALLOWED) first, then the staff and services and a cursor;
 * - `export.page` `{ slug, requestId, cursor }`: the next people, each audited (`processor.export` READ) before it
 *   is read, decrypted; at most {@link EXPORT_PAGE_PEOPLE} and {@link EXPORT_PAGE_BYTES} of JSON (Lambda answers at
 *   most 6 MB);
 * - `export.complete` `{ slug, requestId, serviceUsers, notes, manifestDigest }`: the EXPORTED record offboarding
 *   requires (with the digest the CLI computed over the manifest it wrote), and the platform audit (COMPLETED);
 * - `import.context` `{ slug, service, authorisation }`: refuses unless the authorisation is in force for the
 *   service and its grantor (the importer) still has the standing, and the organisation's policy is set up; answers
 *   what the CLI validates rows with (staff ids, roles and service links, partners, retention);
 * - `import.check` `{ …, mapping, clients }`: the dry run's check against held data (blind indexes), writing no
 *   record: its platform audit event (the operator) and the organisation's ADMIN event (the importer) first;
 * - `import.begin`, `import.batch` `{ …, runId, clients }`, `import.finish`: the run, as the local import writes
 *   it; a batch answers which rows it wrote and which it skipped as already imported, so a rerun skips them.
 *
 * Answers `{ ok: true, operation, … }` or `{ ok: false, error: { code, message } }`. Logs name the operation,
 * organisation ids and counts, never a value of a record.
 */

/** People a page reads at most. */
export const EXPORT_PAGE_PEOPLE = 25;
/** A page's people, as JSON, at most: Lambda's synchronous response is 6 MB. */
export const EXPORT_PAGE_BYTES = 4_500_000;

export type TransferOperation =
  | 'export.begin'
  | 'export.page'
  | 'export.complete'
  | 'import.context'
  | 'import.check'
  | 'import.begin'
  | 'import.batch'
  | 'import.finish';

const OPERATIONS: readonly TransferOperation[] = [
  'export.begin',
  'export.page',
  'export.complete',
  'import.context',
  'import.check',
  'import.begin',
  'import.batch',
  'import.finish',
];

export type TransferAnswer =
  | ({ readonly ok: true; readonly operation: TransferOperation } & Record<string, unknown>)
  | {
      readonly ok: false;
      readonly error: { readonly code: string; readonly message: string; readonly field?: string };
    };

export interface TransferDependencies {
  readonly services: ConfideServices;
  readonly authenticator: Authenticator;
  /** A page's bound in bytes of JSON ({@link EXPORT_PAGE_BYTES}; tests set a smaller one). */
  readonly exportPageBytes?: number;
  /** Called once a request is answered: what the handler logs (operation, organisation, counts). */
  readonly onAnswered?: (detail: Record<string, unknown>) => void;
}

type Input = Record<string, unknown>;

class Refused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function text(input: Input, field: string, pattern?: RegExp): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0 || (pattern && !pattern.test(value))) {
    throw new Refused('BAD_USER_INPUT', `${field} is missing or malformed.`, field);
  }
  return value;
}

function count(input: Input, field: string): number {
  const value = input[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Refused('BAD_USER_INPUT', `${field} must be a whole number.`, field);
  }
  return value;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
const EXPORT_REQUEST = /^export-[0-9a-f-]{36}$/;
const DIGEST = /^[0-9a-f]{64}$/;

async function activeOrganisation(services: ConfideServices, slug: string) {
  const orgId = await services.directory.organisationIdBySlug(slug);
  const organisation = orgId ? await services.directory.organisation(orgId) : undefined;
  if (!orgId || !organisation) throw new Refused('NOT_FOUND', `No organisation with slug "${slug}".`, 'slug');
  if (organisation.status !== 'ACTIVE') {
    throw new Refused('ORGANISATION_NOT_ACTIVE', 'The organisation is not active.', 'slug');
  }
  return { orgId: orgId as OrgId, organisation };
}

function cursorOf(value: unknown): ExportCursor {
  const cursor = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const service = cursor.service;
  const after = cursor.after;
  if (typeof service !== 'number' || !Number.isInteger(service) || service < 0) {
    throw new Refused('BAD_USER_INPUT', 'cursor is malformed.', 'cursor');
  }
  if (after !== undefined && (typeof after !== 'string' || !isIdOf('serviceUser', after))) {
    throw new Refused('BAD_USER_INPUT', 'cursor is malformed.', 'cursor');
  }
  return { service, after };
}

/** The ALLOWED event of this operator's platform audit that began `operation` with this request id, if any. */
async function begunByOperator(
  services: ConfideServices,
  request: { orgId: OrgId; operatorId: string; operation: string; requestId: string },
): Promise<PlatformAuditEvent | undefined> {
  const events = await services.platformAudit.list({ organisationId: request.orgId, limit: 500 });
  return events.find(
    (event) =>
      event.operation === request.operation &&
      event.outcome === 'ALLOWED' &&
      event.requestId === request.requestId &&
      event.actor.id === request.operatorId,
  );
}

/** When this operator began an export of the organisation with this request id; FORBIDDEN if they did not. */
async function exportBegun(
  services: ConfideServices,
  request: { orgId: OrgId; operatorId: string; requestId: string },
): Promise<string> {
  const begun = await begunByOperator(services, { ...request, operation: 'exportOrganisation' });
  if (!begun) {
    throw new Refused(
      'FORBIDDEN',
      'No export of this organisation was begun by you with that request id.',
      'requestId',
    );
  }
  return begun.at;
}

/**
 * CONFLICT unless the export read everyone the organisation holds (each page audits its people under the request id
 * before it opens them) and `serviceUsers` says as many: what offboarding then relies on is what this function did,
 * not what a request says.
 */
async function everyoneExported(
  services: ConfideServices,
  request: { orgId: OrgId; operatorId: string; requestId: string; begunAt: string; serviceUsers: number },
): Promise<void> {
  const everyone: string[] = [];
  for (let cursor: ExportCursor | undefined = { service: 0 }; cursor; ) {
    const page = await clientIdPage(services, request.orgId, cursor, 1000);
    everyone.push(...page.ids);
    cursor = page.next;
  }
  // Every READ this operator made in the organisation since the export began: a person a page cut short is read again.
  const events = await services.auditLog.byActor(tenantScope(request.orgId), request.operatorId, {
    from: request.begunAt,
    limit: 2 * everyone.length + 100,
  });
  const read = new Set(
    events
      .filter((event) => event.operation === EXPORT_READ && event.requestId === request.requestId)
      .map((event) => event.subjectId),
  );
  const unread = everyone.filter((clientId) => !read.has(clientId)).length;
  if (unread > 0) {
    throw new Refused(
      'CONFLICT',
      `${unread} of the organisation's ${everyone.length} service users were not read by this export: page through it first.`,
      'requestId',
    );
  }
  if (request.serviceUsers !== everyone.length) {
    throw new Refused(
      'BAD_USER_INPUT',
      `serviceUsers is ${everyone.length}: every service user this export read.`,
      'serviceUsers',
    );
  }
}

async function exportOperation(
  deps: TransferDependencies,
  operation: 'export.begin' | 'export.page' | 'export.complete',
  input: Input,
  operatorId: string,
): Promise<TransferAnswer> {
  const { services } = deps;
  const slug = text(input, 'slug', SLUG);
  const { orgId, organisation } = await activeOrganisation(services, slug);
  if (operation === 'export.begin') {
    const requestId = `export-${randomUUID()}`;
    // Before anything is read: without the platform audit, nothing is exported.
    await recordExportInPlatformAudit(services, { orgId, operatorId, requestId, outcome: 'ALLOWED' });
    const [staff, careServices] = await Promise.all([
      staffDocument(services, orgId),
      servicesDocument(services, orgId),
    ]);
    deps.onAnswered?.({ operation, organisationId: orgId });
    return {
      ok: true,
      operation,
      requestId,
      operatorId,
      exportedAt: services.clock.now().toISOString(),
      organisation: { organisationId: orgId, slug: organisation.slug, name: organisation.name },
      staff,
      services: careServices,
      cursor: { service: 0 },
    };
  }
  const requestId = text(input, 'requestId', EXPORT_REQUEST);
  // A page or the completion only of an export this operator began: its platform audit event, written before
  // anything was read. Without it, nothing is read or recorded.
  const begunAt = await exportBegun(services, { orgId, operatorId, requestId });
  if (operation === 'export.page') {
    const limit = input.limit === undefined ? EXPORT_PAGE_PEOPLE : count(input, 'limit');
    if (limit < 1 || limit > EXPORT_PAGE_PEOPLE) {
      throw new Refused('BAD_USER_INPUT', `limit is 1 to ${EXPORT_PAGE_PEOPLE}.`, 'limit');
    }
    const page = await clientIdPage(services, orgId, cursorOf(input.cursor), limit);
    // One event per person, in the organisation's audit log, before their record is opened. A person the byte
    // bound leaves for the next page is audited again there: an event may repeat, never be missing.
    await auditExportReads(
      services,
      { orgId, operatorId, requestId, auditYears: organisation.retention.auditYears },
      page.ids,
    );
    const reader = new PersonReader(services, orgId);
    const bound = deps.exportPageBytes ?? EXPORT_PAGE_BYTES;
    const people: unknown[] = [];
    let bytes = 0;
    let next = page.next;
    for (const [index, clientId] of page.ids.entries()) {
      const person = await reader.read(clientId);
      const size = Buffer.byteLength(JSON.stringify(person));
      if (size > bound) {
        throw new Refused(
          'EXPORT_TOO_LARGE',
          `One person's records (${clientId}) exceed what one answer can carry; export this organisation locally with the break-glass role.`,
        );
      }
      if (bytes + size > bound) {
        next = page.positions[index - 1];
        break;
      }
      bytes += size;
      people.push(person);
    }
    deps.onAnswered?.({ operation, organisationId: orgId, people: people.length });
    return { ok: true, operation, people, next: next ?? null };
  }
  const manifestDigest = text(input, 'manifestDigest', DIGEST);
  const serviceUsers = count(input, 'serviceUsers');
  const notes = count(input, 'notes');
  await everyoneExported(services, { orgId, operatorId, requestId, begunAt, serviceUsers });
  await organisationExports(services).record(tenantScope(orgId), {
    kind: 'EXPORTED',
    by: operatorId,
    serviceUsers,
    notes,
    manifestDigest,
    // Last, after every person's read is in the audit: offboarding takes this export only while nothing moved since.
    auditPosition: await services.auditLog.position(tenantScope(orgId)),
  });
  await recordExportInPlatformAudit(services, { orgId, operatorId, requestId, outcome: 'COMPLETED' });
  deps.onAnswered?.({ operation, organisationId: orgId, serviceUsers, notes });
  return { ok: true, operation };
}

/** The field of an import request's input that names its authorisation (decision 0146), and of its refusals. */
const AUTHORISATION = 'authorisation';

/**
 * The authorisation an import request names, read from the organisation's partition and checked (decision 0146): its
 * MAC (one changed or written in the table authorises nothing, and is recorded as an integrity incident), that it is
 * in force (not withdrawn, not past its end) and that it is for this service. Never a name or a token in the request:
 * the import runs under the authority of the staff member who gave it through the API.
 */
async function authorisationFor(
  services: ConfideServices,
  scope: TenantScope,
  input: Input,
  serviceId: string,
): Promise<ImportAuthorisation> {
  const id = input[AUTHORISATION];
  if (id === undefined || id === null || id === '') {
    throw new Refused(
      'AUTHORISATION_REQUIRED',
      "An import runs under the authority of one of the service's managers, who authorises it through the API (authoriseImport): the request names no authorisation.",
      AUTHORISATION,
    );
  }
  const store = ImportAuthorisations.of(services);
  let authorisation: ImportAuthorisation | undefined;
  try {
    authorisation =
      typeof id === 'string' && isIdOf('importAuthorisation', id) ? await store.get(scope, id) : undefined;
  } catch (error) {
    if (!(error instanceof TamperedItemError)) throw error;
    await services.integrityIncidents.record(
      scope,
      { kind: 'TAMPERED_STATE', subjectId: error.subjectId, itemKind: error.itemKind, restored: false },
      error.itemKey,
      { recurring: true },
    );
    throw new Refused(
      'AUTHORISATION_TAMPERED',
      'The import authorisation failed its integrity check: it was changed outside Confide, and authorises nothing (recorded as an integrity incident). Ask the manager for a new one.',
      AUTHORISATION,
    );
  }
  if (!authorisation) {
    throw new Refused(
      'AUTHORISATION_NOT_FOUND',
      "The organisation has no import authorisation with that id (an authorisation is given by a manager of the service in the organisation's own API, and deleted once it has ended).",
      AUTHORISATION,
    );
  }
  const state = store.stateOf(authorisation);
  if (state === 'WITHDRAWN') {
    throw new Refused(
      'AUTHORISATION_WITHDRAWN',
      'The import authorisation was withdrawn by its grantor.',
      AUTHORISATION,
    );
  }
  if (state === 'EXPIRED') {
    throw new Refused(
      'AUTHORISATION_EXPIRED',
      `The import authorisation ended at ${authorisation.validUntil}: ask the manager for a new one (a rerun resumes the import).`,
      AUTHORISATION,
    );
  }
  if (authorisation.serviceId !== serviceId) {
    throw new Refused(
      'AUTHORISATION_NOT_FOR_SERVICE',
      'The import authorisation is for another service of the organisation.',
      AUTHORISATION,
    );
  }
  return authorisation;
}

/**
 * The grantor of an authorisation as their account is now, refused unless they still have the standing the import
 * needs: an ACTIVE staff member whom `import.authorise` (the policy the api gave the authorisation under) still admits
 * for the service. A manager deactivated, demoted or taken off the service since stops their authorisation at once.
 */
function grantorStanding(
  organisation: { readonly policyVersion: number | undefined; readonly preset: 'STRICT' | 'GROUP_WIDE' },
  grantor: StaffMember | undefined,
  serviceId: string,
): StaffMember {
  if (grantor?.status !== 'ACTIVE') {
    throw new Refused(
      'AUTHORISATION_GRANTOR_INACTIVE',
      'The staff member who gave the import authorisation is no longer active: it authorises nothing.',
      AUTHORISATION,
    );
  }
  const decision = OPERATION_POLICIES['import.authorise'].decide(
    importerFacts(organisation, grantor, serviceId),
  );
  if (decision.effect !== 'ALLOW') {
    throw new Refused(
      'AUTHORISATION_GRANTOR_NOT_PERMITTED',
      decision.effect === 'POLICY_NOT_ACKNOWLEDGED'
        ? "The staff member who gave the import authorisation has not acknowledged the organisation's current confidentiality policy: it authorises nothing until they do."
        : `The staff member who gave the import authorisation no longer manages the service with the rights an import needs (${decision.rule}): it authorises nothing.`,
      AUTHORISATION,
    );
  }
  return grantor;
}

/**
 * The organisation, service and authorisation an import request names, and the importer: the staff member who gave
 * the authorisation, with their standing as it is now (refusals).
 */
async function importTarget(services: ConfideServices, input: Input, mapping: ImportMapping) {
  const slug = text(input, 'slug', SLUG);
  const serviceId = text(input, 'service');
  if (!isIdOf('service', serviceId)) throw new Refused('BAD_USER_INPUT', 'service is malformed.', 'service');
  const orgId = await services.directory.organisationIdBySlug(slug);
  const organisation = orgId ? await services.directory.organisation(orgId) : undefined;
  if (!orgId || !organisation) throw new Refused('NOT_FOUND', `No organisation with slug "${slug}".`, 'slug');
  const scope = tenantScope(orgId);
  const [authorisation, staff, partners, careServices, monitoring] = await Promise.all([
    authorisationFor(services, scope, input, serviceId),
    services.directory.listStaff(scope),
    services.partners.list(scope),
    services.careServices.list(scope),
    services.monitoring.settings(scope),
  ]);
  if (!careServices.some((service) => service.serviceId === serviceId)) {
    throw new Refused('NOT_FOUND', `No such service in ${slug}.`, 'service');
  }
  // Read afresh (the list may lag a change of a moment ago): a deactivation or demotion counts at once.
  const grantor = await services.directory.staff(scope, authorisation.grantedBy);
  const operator = grantorStanding(organisation, grantor, serviceId);
  const authority = importAuthority(organisation, operator, serviceId);
  const target: ImportTarget = {
    services,
    scope,
    serviceId,
    mapping,
    authority,
    retention: organisation.retention,
    timeZone: monitoring.settings.workingHours.timeZone,
  };
  return { orgId, scope, organisation, operator, staff, partners, target, authorisation };
}

function mappingOf(input: Input): ImportMapping {
  try {
    return parseMapping(JSON.stringify(input.mapping ?? null));
  } catch (error) {
    if (error instanceof CliError) throw new Refused('BAD_USER_INPUT', error.message, 'mapping');
    throw error;
  }
}

/**
 * The rows the CLI validated, as JSON carried them (dates revived). The function checks the values again and decides
 * again what the importer and each note's author may write: every staff id must be an active member of the
 * organisation, and each note's rule is the one the operation policies give its author here, whatever the request
 * says.
 */
function clientsOf(
  input: Input,
  staff: readonly StaffMember[],
  noteBy: ImportAuthority['noteBy'],
  retention: RetentionRules,
  timeZone: string,
  now: Date,
  registered: { readonly partnerIds: ReadonlySet<string> },
): ClientRow[] {
  const rows = input.clients;
  if (!Array.isArray(rows)) throw new Refused('BAD_USER_INPUT', 'clients must be a list.', 'clients');
  const active = new Map(
    staff.filter((member) => member.status === 'ACTIVE').map((member) => [member.staffId, member]),
  );
  const member = (staffId: unknown): StaffMember => {
    const found = typeof staffId === 'string' ? active.get(staffId) : undefined;
    if (!found) throw new Refused('FORBIDDEN', 'A row names someone who is not active staff.', 'clients');
    return found;
  };
  return rows.map((raw) => {
    const client = raw as ClientRow;
    if (
      typeof client?.sourceId !== 'string' ||
      typeof client.line !== 'number' ||
      typeof client.details?.name !== 'string' ||
      !Array.isArray(client.allocations) ||
      !Array.isArray(client.consents) ||
      !Array.isArray(client.notes)
    ) {
      throw new Refused('BAD_USER_INPUT', 'A client row is malformed.', 'clients');
    }
    const allocations = client.allocations.map((allocation) => {
      // allocateWorker's: only support staff and volunteers are allocated (decision 0014).
      if (!member(allocation.staffId).roles.some((role) => ALLOCATABLE_ROLES.includes(role))) {
        throw new Refused(
          'FORBIDDEN',
          'A row allocates someone who is not support staff or a volunteer.',
          'clients',
        );
      }
      return {
        ...allocation,
        endsAt: allocation.endsAt ? new Date(allocation.endsAt as unknown as string) : undefined,
      };
    });
    const notes = client.notes.map((note) => {
      const author = member(note.authorId);
      for (const staffId of [...(note.distribution ?? []), ...(note.sealedFor ?? [])]) member(staffId);
      const allocated = allocations.some(
        (allocation) =>
          allocation.staffId === note.authorId && (!allocation.endsAt || allocation.endsAt > now),
      );
      const rule = noteBy(note.kind, author, allocated, note.withheldUnder);
      if (!rule) {
        throw new Refused(
          'CLASSIFICATION_NOT_PERMITTED',
          `A note (line ${note.line}) is of a kind its author may not record here, or withheld by an author who may not withhold it.`,
          'clients',
        );
      }
      return { ...note, rule };
    });
    const revived = { ...client, allocations, notes };
    // The CLI validated the values; they are checked again here, where they are written.
    const field = recheckedField(revived, now, retention, timeZone, registered);
    if (field) {
      throw new Refused(
        'BAD_USER_INPUT',
        `A client row (line ${client.line}) has a ${field} the API would refuse.`,
        'clients',
      );
    }
    return revived;
  });
}

/**
 * The dry run's record, written before it reads anything of the organisation's (decision 0146): the check opens held
 * people's identifying details (the duplicate check by blind index) to answer reason codes. The platform audit names
 * the operator, the organisation's audit the importer who authorised it (as a run's events do), both under
 * the check's id; no value of a record or a row.
 */
async function recordImportCheck(
  services: ConfideServices,
  check: {
    orgId: OrgId;
    operatorId: string;
    importer: StaffMember;
    auditYears: number;
  },
): Promise<string> {
  const checkId = `import-check-${randomUUID()}`;
  await services.platformAudit.record({
    actor: { kind: 'OPERATOR', id: check.operatorId },
    operation: 'checkImport',
    organisationId: check.orgId,
    outcome: 'ALLOWED',
    rule: 'platform.organisation.import',
    requestId: checkId,
  });
  const event: AuditEvent = {
    orgId: check.orgId,
    requestId: checkId,
    at: services.clock.now().toISOString(),
    actor: { kind: 'STAFF', id: check.importer.staffId, roles: [...check.importer.roles] },
    action: 'ADMIN',
    operation: 'importCheck',
    subjectId: undefined,
    // What the duplicate check opens of the service's held people to compare them with the rows.
    fields: ['ServiceUser.dateOfBirth', 'ServiceUser.name', 'ServiceUser.nhsNumber'],
    classifications: ['IDENTIFYING'],
    relationship: 'MANAGES_SERVICE',
    purpose: undefined,
    emergency: false,
    outcome: 'ALLOWED',
    rule: 'import.check',
    items: [checkId],
  };
  await services.auditLog.write([event], { retentionYears: check.auditYears });
  return checkId;
}

async function importOperation(
  deps: TransferDependencies,
  operation: Exclude<TransferOperation, `export.${string}`>,
  input: Input,
  operatorId: string,
): Promise<TransferAnswer> {
  const { services } = deps;
  if (operation === 'import.context') {
    const { orgId, organisation, operator, staff, partners, target, authorisation } = await importTarget(
      services,
      input,
      { sourceSystem: 'context' } as ImportMapping,
    );
    deps.onAnswered?.({ operation, organisationId: orgId });
    const { policyVersion } = organisation;
    return {
      ok: true,
      operation,
      now: services.clock.now().toISOString(),
      organisation: {
        organisationId: orgId,
        status: organisation.status,
        policyVersion,
        preset: organisation.preset,
        retention: organisation.retention,
        timeZone: target.timeZone,
      },
      operator: { staffId: operator.staffId, handle: operator.handle },
      // What the import runs under, and until when (the CLI says so before it reads the files).
      authorisation: { authorisationId: authorisation.authorisationId, expiresAt: authorisation.validUntil },
      staff: staff.map((member) => ({
        staffId: member.staffId,
        handle: member.handle,
        status: member.status,
        roles: member.roles,
        manages: member.serviceLinks.manages.has(target.serviceId),
        member: member.serviceLinks.memberOf.has(target.serviceId),
        acknowledged: policyVersion !== undefined && member.acknowledgedPolicyVersion === policyVersion,
      })),
      partners: partners.map((partner) => ({ partnerId: partner.partnerId, name: partner.name })),
    };
  }
  const mapping = mappingOf(input);
  const { orgId, organisation, staff, partners, target } = await importTarget(services, input, mapping);
  const engine = new ImportEngine(target);
  const platform = (runId: string, outcome: 'ALLOWED' | 'COMPLETED') =>
    services.platformAudit.record({
      actor: { kind: 'OPERATOR', id: operatorId },
      operation: 'importRecords',
      organisationId: orgId,
      outcome,
      rule: 'platform.organisation.import',
      requestId: runId,
    });
  if (operation === 'import.begin') {
    // The processor's part first: which operator runs an import into which organisation (the run's own events name
    // the importing staff member, as locally).
    const id = newId('importRun');
    await platform(id, 'ALLOWED');
    const run = await engine.begin(id);
    deps.onAnswered?.({ operation, organisationId: orgId, runId: run.runId });
    return { ok: true, operation, runId: run.runId };
  }
  const runId = (value: unknown) => {
    if (typeof value !== 'string' || !isIdOf('importRun', value)) {
      throw new Refused('BAD_USER_INPUT', 'runId is malformed.', 'runId');
    }
    return value;
  };
  /**
   * FORBIDDEN unless this operator began this run (`import.begin`: its platform audit event and the run's own item)
   * into this organisation, for this service and importer, and it is still running: a batch or a finish of any
   * other writes and records nothing.
   */
  const begun = async (id: string) => {
    const [audited, run] = await Promise.all([
      begunByOperator(services, { orgId, operatorId, operation: 'importRecords', requestId: id }),
      engine.records.run(target.scope, id),
    ]);
    const same =
      run?.status?.S === 'RUNNING' &&
      run.serviceId?.S === target.serviceId &&
      run.operatorId?.S === target.authority.operator.staffId;
    if (!audited || !same) {
      throw new Refused(
        'FORBIDDEN',
        'No import run into this service as this staff member was begun by you with that run id, or it has finished.',
        'runId',
      );
    }
    return id;
  };
  if (operation === 'import.finish') {
    const id = await begun(runId(input.runId));
    const imported = (input.imported ?? {}) as Input;
    const counts: ImportCounts = {
      clients: count(imported, 'clients'),
      allocations: count(imported, 'allocations'),
      consents: count(imported, 'consents'),
      notes: count(imported, 'notes'),
    };
    await engine.resume(id).finish({
      imported: counts,
      rejected: count(input, 'rejected'),
      alreadyImported: count(input, 'alreadyImported'),
    });
    await platform(id, 'COMPLETED');
    deps.onAnswered?.({ operation, organisationId: orgId, runId: id, ...counts });
    return { ok: true, operation };
  }
  const batchRunId = operation === 'import.batch' ? await begun(runId(input.runId)) : undefined;
  const clients = clientsOf(
    input,
    staff,
    target.authority.noteBy,
    target.retention,
    target.timeZone,
    services.clock.now(),
    { partnerIds: new Set(partners.map((partner) => partner.partnerId)) },
  );
  // A dry run reads held records as a run does, with no run to cover it: recorded first, or nothing is read.
  const checkId =
    operation === 'import.check'
      ? await recordImportCheck(services, {
          orgId,
          operatorId,
          importer: target.authority.operator,
          auditYears: organisation.retention.auditYears,
        })
      : undefined;
  const classified = await engine.classify(clients);
  // Finished by an earlier run (their rows' rejections, decision 0143, are rows, not clients).
  const skipped = classified.alreadyImported;
  if (operation === 'import.check') {
    deps.onAnswered?.({ operation, organisationId: orgId, checkId, clients: clients.length });
    return {
      ok: true,
      operation,
      alreadyImported: classified.alreadyImported,
      rejections: classified.rejections,
      counts: countsOf(classified.todo, classified.unwritten),
    };
  }
  engine.checkClosing(classified.todo);
  const run = engine.resume(batchRunId ?? '');
  await run.write(classified);
  deps.onAnswered?.({ operation, organisationId: orgId, runId: run.runId, ...run.counts, skipped });
  return {
    ok: true,
    operation,
    counts: run.counts,
    alreadyImported: classified.alreadyImported,
    rejections: classified.rejections,
    written: classified.todo.map((client) => client.sourceId),
  };
}

/** One request to the transfer function, as the CLI sends it: authenticated, then run. */
export async function runTransfer(deps: TransferDependencies, event: unknown): Promise<TransferAnswer> {
  const request = (typeof event === 'object' && event !== null ? event : {}) as Input;
  const operation = OPERATIONS.find((known) => known === request.operation);
  try {
    if (!operation) throw new Refused('BAD_USER_INPUT', 'Unknown operation.', 'operation');
    const token = typeof request.token === 'string' ? request.token : '';
    const caller = await deps.authenticator.authenticate(`Bearer ${token}`);
    if (caller.principal.kind !== 'OPERATOR') {
      throw new Refused('FORBIDDEN', 'Only a platform operator may export or import an organisation.');
    }
    const input = (typeof request.input === 'object' && request.input !== null ? request.input : {}) as Input;
    const { operatorId } = caller.principal;
    return operation.startsWith('export.')
      ? await exportOperation(deps, operation as 'export.begin', input, operatorId)
      : await importOperation(deps, operation as 'import.batch', input, operatorId);
  } catch (error) {
    if (error instanceof Refused) {
      return {
        ok: false,
        error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
      };
    }
    if (error instanceof ConfideError) {
      return {
        ok: false,
        error: {
          code: error.code,
          message: error.message,
          ...(error.field ? { field: error.field.join('.') } : {}),
        },
      };
    }
    // The importer's standing and the import's own stops (decision 0032): messages of ours, never a value.
    if (error instanceof CliError)
      return { ok: false, error: { code: 'IMPORT_REFUSED', message: error.message } };
    throw error;
  }
}
