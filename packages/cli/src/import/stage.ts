import { ALLOCATABLE_ROLES } from '@confide/access';
import type { RetentionRules } from '@confide/domain';
import type { StaffMember } from '@confide/store';
import { CliError } from '../data-dir';
import { payloadChunks, transfer } from '../stage-transfer';
import type { CsvTable } from './csv';
import type { Entity, ImportMapping } from './mapping';
import { Progress } from './progress';
import { type ClientRow, partnersByIdOrName, planImport, type Rejection } from './rows';
import { type ImportCounts, importAuthority } from './run';

/**
 * `confide import --stage <stage>` (issue 21, decision 0041): the files are read and validated here, as locally,
 * with what the stage's transfer function answers about the organisation (its staff, partners, policy and the
 * importer's standing, refused there first); the duplicate check against held records (blind indexes: the beacon
 * key) and every write run in the function, a batch of rows an invocation, with the same engine as locally. A rerun
 * resumes: the function skips the rows a run finished (row identities) and completes the ones it began.
 *
 * The importer is the staff member who authorised the import through the stage's API (`authoriseImport`, decision
 * 0146): one of the service's managers, who hands the operator the authorisation's id (`--authorisation`). Every
 * invocation names it; the function checks it, and its grantor's standing as it is then, and runs the import under
 * the grantor's authority, naming them as its writer. There is no `--as` in a stage: a typed name proves nothing, and
 * the operator never holds a staff member's sign-in.
 */

/**
 * Clients per invocation at most (the function writes them 50 at a time, two batches at once);
 * `CONFIDE_IMPORT_CLIENTS_PER_CALL` lowers it (shorter invocations; tests interrupt between them).
 */
function clientsPerCall(): number {
  const value = Number(process.env.CONFIDE_IMPORT_CLIENTS_PER_CALL ?? 100);
  return Number.isInteger(value) && value >= 1 && value <= 100 ? value : 100;
}

interface StageStaff {
  readonly staffId: string;
  readonly handle: string;
  readonly status: StaffMember['status'];
  readonly roles: StaffMember['roles'];
  readonly manages: boolean;
  readonly member: boolean;
  readonly acknowledged: boolean;
}

interface StageContext {
  readonly now: string;
  readonly organisation: {
    readonly status: string;
    readonly policyVersion: number | undefined;
    readonly preset: 'STRICT' | 'GROUP_WIDE';
    readonly retention: RetentionRules & { readonly auditYears: number };
    readonly timeZone: string;
  };
  readonly operator: { readonly staffId: string; readonly handle: string };
  readonly authorisation: { readonly authorisationId: string; readonly expiresAt: string };
  readonly staff: readonly StageStaff[];
  readonly partners: readonly { readonly partnerId: string; readonly name: string }[];
}

/** A staff member as the policies see them (roles, status, acknowledgement, links to this service). */
function memberOf(entry: StageStaff, serviceId: string, policyVersion: number | undefined): StaffMember {
  return {
    staffId: entry.staffId,
    handle: entry.handle,
    roles: entry.roles,
    status: entry.status,
    acknowledgedPolicyVersion: entry.acknowledged ? policyVersion : undefined,
    serviceLinks: {
      manages: new Set(entry.manages ? [serviceId] : []),
      memberOf: new Set(entry.member ? [serviceId] : []),
      qaReviews: [],
    },
  } as unknown as StaffMember;
}

export interface StageImportResult {
  readonly runId: string | undefined;
  readonly counts: ImportCounts;
  readonly alreadyImported: number;
  readonly rejections: Rejection[];
  readonly rowsRead: Record<Entity, number>;
  readonly operatorHandle: string;
  readonly seconds: number;
}

export async function importInStage(
  stage: string,
  request: { slug: string; serviceId: string; authorisation: string; dryRun: boolean },
  mapping: ImportMapping,
  tables: Record<Entity, CsvTable | undefined>,
): Promise<StageImportResult> {
  const started = Date.now();
  const who = { slug: request.slug, service: request.serviceId, authorisation: request.authorisation };
  const context = (await transfer(stage, 'import.context', who)) as unknown as StageContext;
  const { organisation } = context;
  const staff = context.staff.map((entry) => memberOf(entry, request.serviceId, organisation.policyVersion));
  const operator = staff.find((member) => member.staffId === context.operator.staffId);
  if (!operator) throw new CliError(`The importing staff member is not among ${request.slug}'s staff.`);
  // The same refusals as the function's (which made them first): here for the note rules the rows are checked with.
  const authority = importAuthority(organisation, operator, request.serviceId);
  const plan = planImport(
    mapping,
    {
      clients: tables.clients as CsvTable,
      allocations: tables.allocations,
      consents: tables.consents,
      notes: tables.notes,
    },
    {
      now: new Date(context.now),
      staffByHandle: new Map(
        staff.filter((member) => member.status === 'ACTIVE').map((member) => [member.handle, member.staffId]),
      ),
      operatorId: operator.staffId,
      retention: organisation.retention,
      timeZone: organisation.timeZone,
      partners: partnersByIdOrName(context.partners),
      allocatable: (staffId) =>
        staff.some(
          (member) =>
            member.staffId === staffId && member.roles.some((role) => ALLOCATABLE_ROLES.includes(role)),
        ),
      noteRule: (kind, authorId, allocated, withholding) => {
        const author = staff.find((member) => member.staffId === authorId);
        return author ? authority.noteBy(kind, author, allocated, withholding) : undefined;
      },
    },
  );
  const rejections = [...plan.rejections];
  const counts: ImportCounts = { clients: 0, allocations: 0, consents: 0, notes: 0 };
  let alreadyImported = 0;
  const add = (answer: Record<string, unknown>) => {
    const answered = answer.counts as ImportCounts;
    counts.clients += answered.clients;
    counts.allocations += answered.allocations;
    counts.consents += answered.consents;
    counts.notes += answered.notes;
    alreadyImported += Number(answer.alreadyImported ?? 0);
    rejections.push(...((answer.rejections ?? []) as Rejection[]));
  };
  const chunks = payloadChunks<ClientRow>(plan.clients, clientsPerCall());
  const result = (runId: string | undefined): StageImportResult => ({
    runId,
    counts,
    alreadyImported,
    rejections,
    rowsRead: plan.rowsRead,
    operatorHandle: context.operator.handle,
    seconds: (Date.now() - started) / 1000,
  });
  if (request.dryRun) {
    // No record is written: the function records each check (platform audit, the organisation's audit), checks the
    // rows against held records and answers what a run would write.
    for (const clients of chunks) add(await transfer(stage, 'import.check', { ...who, mapping, clients }));
    return result(undefined);
  }
  const { runId } = await transfer(stage, 'import.begin', { ...who, mapping });
  const progress = new Progress(plan.clients.length);
  for (const clients of chunks) {
    const answer = await transfer(stage, 'import.batch', { ...who, mapping, runId, clients });
    add(answer);
    const written = answer.counts as ImportCounts;
    progress.advance(
      clients.length,
      written.clients + written.allocations + written.consents + written.notes,
    );
  }
  progress.finish();
  await transfer(stage, 'import.finish', {
    ...who,
    mapping,
    runId,
    imported: counts,
    rejected: rejections.length,
    alreadyImported,
  });
  return result(String(runId));
}
