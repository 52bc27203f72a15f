import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ALLOCATABLE_ROLES } from '@confide/access';
import type { ConfideServices } from '@confide/api/services';
import { isIdOf, type OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { servicesFor } from '../commands';
import { CliError, runningStack } from '../data-dir';
import { CsvError, type CsvTable, parseCsvTable } from './csv';
import {
  ENTITIES,
  type Entity,
  type FileMapping,
  MAPPING_FILE,
  mappingTemplate,
  parseMapping,
} from './mapping';
import { Progress } from './progress';
import { partnersByIdOrName, planImport, type Rejection, SINCE_IMPORT_REASONS } from './rows';
import { importAuthority, runImport } from './run';

/**
 * `confide import --org <slug> --service <id> --as <handle> [--dry-run] <folder>` (issue 21, decision 0032). The
 * stage is where services come from: locally the running stack (`servicesFor`); a deployed stage plugs in here
 * with services built from its configuration and the signed-in operator's identity.
 *
 * Who imports (decision 0146): locally `--as` names the staff member, as `--operator-id` names the operator of the
 * local stack's other commands — the developer's data folder holds the stack's keys and token issuer (`confide token`
 * mints anyone's token), so nothing there could prove more. In a stage the importer is the staff member who authorised
 * the import through the stage's API (`authoriseImport`): `--authorisation <id>` names it, and `--as` is refused.
 */
export interface ImportRequest {
  readonly org?: string | undefined;
  readonly service?: string | undefined;
  /** The importing staff member's handle: against the local stack only (a stage takes an authorisation). */
  readonly as?: string | undefined;
  /** The import authorisation a manager of the service gave through the stage's API: in a stage only. */
  readonly authorisation?: string | undefined;
  readonly folder?: string | undefined;
  readonly mapping?: string | undefined;
  readonly report?: string | undefined;
  readonly dryRun: boolean;
  readonly template: boolean;
  /** A deployed stage instead of the local stack: its transfer function writes (decision 0041). */
  readonly stage?: string | undefined;
}

/** The local id of a service given as the API's global id (`U2VydmljZTpzdmNf…`) or as its own id (`svc_…`). */
function serviceIdOf(value: string): string {
  if (isIdOf('service', value)) return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const id = decoded.startsWith('Service:') ? decoded.slice('Service:'.length) : '';
  if (!isIdOf('service', id))
    throw new CliError('--service takes a service id (as the API gives it, or svc_…).');
  return id;
}

function readTable(folder: string, mapping: FileMapping | undefined, entity: Entity): CsvTable | undefined {
  if (!mapping) return undefined;
  const path = join(folder, mapping.file);
  if (!existsSync(path))
    throw new CliError(`The mapping names ${mapping.file} for ${entity}, and the folder has no such file.`);
  let table: CsvTable;
  try {
    table = parseCsvTable(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof CsvError)
      throw new CliError(
        `${mapping.file} is not valid CSV at line ${error.line}, ${error.reason}; nothing imported.`,
      );
    throw error;
  }
  const missing = Object.values(mapping.columns).filter((column) => !table.header.includes(column));
  if (missing.length > 0) {
    throw new CliError(
      `${mapping.file} has no column ${missing.map((c) => `"${c}"`).join(', ')} that the mapping names.`,
    );
  }
  return table;
}

/** The rejection report: file, line, column, reason code. Never a value from the files. */
function reportCsv(rejections: readonly Rejection[]): string {
  const quote = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const rows = [...rejections].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return [
    'file,row,column,reason',
    ...rows.map((r) => [r.file, String(r.line), r.column, r.reason].map(quote).join(',')),
  ]
    .join('\n')
    .concat('\n');
}

async function orgIdOf(services: ConfideServices, slug: string): Promise<OrgId> {
  const orgId = await services.directory.organisationIdBySlug(slug);
  if (!orgId) throw new CliError(`No organisation with slug "${slug}".`);
  return orgId;
}

export async function importCommand(request: ImportRequest): Promise<string> {
  if (request.template) {
    const text = `${JSON.stringify(mappingTemplate(), null, 2)}\n`;
    if (!request.folder) return text.trimEnd();
    const path = join(resolve(request.folder), MAPPING_FILE);
    if (existsSync(path))
      throw new CliError(`${path} exists already: edit it, or remove it for a fresh template.`);
    writeFileSync(path, text);
    return `Wrote a mapping template to ${path}: name your files and columns in it, then run confide import --dry-run.`;
  }
  if (request.stage !== undefined && request.as !== undefined) {
    throw new CliError(
      `--as names the importer against the local stack only. In ${request.stage} the import runs under the authority of the manager of the service who authorised it through the API (authoriseImport), never of a name typed here: leave out --as and give --authorisation <id>.`,
    );
  }
  if (request.stage === undefined && request.authorisation !== undefined) {
    throw new CliError(
      '--authorisation is for an import into a deployed stage (--stage <stage>); against the local stack --as <handle> names the importer.',
    );
  }
  if (
    !request.org ||
    !request.service ||
    !request.folder ||
    (request.stage === undefined ? !request.as : !request.authorisation)
  ) {
    throw new CliError(
      request.stage === undefined
        ? 'Give --org <slug>, --service <id>, --as <handle> and the folder of CSV files (see --help).'
        : `Give --org <slug>, --service <id>, --authorisation <id> and the folder of CSV files (see --help). In ${request.stage} an import runs under the authority of a manager of the service, who authorises it through the API (authoriseImport) and gives you its id.`,
    );
  }
  const folder = resolve(request.folder);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new CliError(`No folder ${folder}.`);
  const mappingPath = request.mapping ? resolve(request.mapping) : join(folder, MAPPING_FILE);
  if (!existsSync(mappingPath)) {
    throw new CliError(
      `No mapping file ${mappingPath}: confide import --template <folder> writes one to edit.`,
    );
  }
  const mapping = parseMapping(readFileSync(mappingPath, 'utf8'));
  const serviceId = serviceIdOf(request.service);
  const tables = Object.fromEntries(
    ENTITIES.map((entity) => [entity, readTable(folder, mapping[entity] as FileMapping | undefined, entity)]),
  ) as Record<Entity, CsvTable | undefined>;

  const reportPath = request.report ? resolve(request.report) : join(folder, 'import-rejections.csv');
  if (request.stage !== undefined) {
    const { importInStage } = await import('./stage');
    const result = await importInStage(
      request.stage,
      { slug: request.org, serviceId, authorisation: request.authorisation ?? '', dryRun: request.dryRun },
      mapping,
      tables,
    );
    writeFileSync(reportPath, reportCsv(result.rejections));
    return summaryLines(request.dryRun, mapping, result.rowsRead, {
      ...result.counts,
      runId: result.runId,
      seconds: result.seconds,
      alreadyImported: result.alreadyImported,
      rejected: result.rejections.length,
      changedSinceImport: changedSinceImport(result.rejections),
      by: `${result.operatorHandle}, in ${request.stage}`,
      reportPath,
    });
  }

  const services = servicesFor(runningStack());
  const orgId = await orgIdOf(services, request.org);
  const scope = tenantScope(orgId);
  const handle = request.as ?? '';
  const [organisation, operator, staff, partners, monitoring] = await Promise.all([
    services.directory.organisation(orgId),
    services.directory.staffByHandle(scope, handle),
    services.directory.listStaff(scope),
    services.partners.list(scope),
    services.monitoring.settings(scope),
  ]);
  const { timeZone } = monitoring.settings.workingHours;
  if (!organisation) throw new CliError(`No organisation with slug "${request.org}".`);
  if (!operator) throw new CliError(`No staff member "${handle}" in ${request.org}.`);
  const service = (await services.careServices.list(scope)).find((entry) => entry.serviceId === serviceId);
  if (!service) throw new CliError(`No such service in ${request.org}.`);
  const authority = importAuthority(organisation, operator, serviceId);

  const plan = planImport(
    mapping,
    {
      clients: tables.clients as CsvTable,
      allocations: tables.allocations,
      consents: tables.consents,
      notes: tables.notes,
    },
    {
      now: services.clock.now(),
      staffByHandle: new Map(staff.filter((m) => m.status === 'ACTIVE').map((m) => [m.handle, m.staffId])),
      operatorId: operator.staffId,
      retention: organisation.retention,
      timeZone,
      partners: partnersByIdOrName(partners),
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
  const progress = request.dryRun ? undefined : new Progress(plan.clients.length);
  const summary = await runImport({
    services,
    scope,
    serviceId,
    mapping,
    authority,
    plan,
    dryRun: request.dryRun,
    progress,
    retention: organisation.retention,
    timeZone,
  });
  progress?.finish();
  // The bench's steady measure: DynamoDB and KMS requests of the whole command (CONFIDE_IMPORT_COUNTS names a file).
  if (process.env.CONFIDE_IMPORT_COUNTS) {
    const cpu = process.cpuUsage();
    writeFileSync(
      process.env.CONFIDE_IMPORT_COUNTS,
      JSON.stringify({ ...services.counters.snapshot(), cpuSeconds: (cpu.user + cpu.system) / 1e6 }),
    );
  }

  writeFileSync(reportPath, reportCsv(summary.rejections));
  return summaryLines(request.dryRun, mapping, plan.rowsRead, {
    ...summary,
    rejected: summary.rejections.length,
    changedSinceImport: changedSinceImport(summary.rejections),
    by: operator.handle,
    reportPath,
  });
}

/** What the command prints: counts, the run, the report's path; never a value from the files. */
function summaryLines(
  dryRun: boolean,
  mapping: ReturnType<typeof parseMapping>,
  rowsRead: Record<Entity, number>,
  summary: {
    clients: number;
    allocations: number;
    consents: number;
    notes: number;
    runId: string | undefined;
    seconds: number;
    alreadyImported: number;
    rejected: number;
    /** Rows of clients imported before that differ from what was imported (decision 0143). */
    changedSinceImport: number;
    by: string;
    reportPath: string;
  },
): string {
  const read = Object.entries(rowsRead)
    .filter(([entity]) => mapping[entity as Entity])
    .map(([entity, count]) => counted(count, entity))
    .join(', ');
  const counts = [
    counted(summary.clients, 'clients'),
    counted(summary.allocations, 'allocations'),
    counted(summary.consents, 'consents'),
    counted(summary.notes, 'notes'),
  ].join(', ');
  return [
    dryRun
      ? `Dry run: nothing written. Read ${read}; a real run would import ${counts}.`
      : `Imported ${counts} in ${summary.seconds.toFixed(1)} s (run ${summary.runId}, by ${summary.by}).`,
    ...(summary.alreadyImported > 0
      ? [
          `${counted(summary.alreadyImported, 'clients')} ${summary.alreadyImported === 1 ? 'was imported before and was' : 'were imported before and were'} skipped.`,
        ]
      : []),
    ...(summary.changedSinceImport > 0
      ? [
          `${counted(summary.changedSinceImport, 'rows')} of clients imported before ${summary.changedSinceImport === 1 ? 'differs' : 'differ'} from what was imported and ${summary.changedSinceImport === 1 ? 'was' : 'were'} not applied: correct or add those records in Confide itself, where they may have changed since the import (${SINCE_IMPORT_REASONS.join(', ')} in the report).`,
        ]
      : []),
    `${counted(summary.rejected, 'rows')} rejected: ${summary.reportPath} (file, row, column, reason).`,
  ].join('\n');
}

/** The rejections that are rows of clients imported before, not applied (decision 0143). */
function changedSinceImport(rejections: readonly Rejection[]): number {
  return rejections.filter((rejection) => SINCE_IMPORT_REASONS.includes(rejection.reason)).length;
}

/** `1 client`, `2 clients`: a count with its plural noun made singular for one. */
function counted(count: number, plural: string): string {
  return `${count} ${count === 1 ? plural.replace(/s$/, '') : plural}`;
}
