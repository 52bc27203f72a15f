import { CliError } from './data-dir';
import { ExportFolder } from './org-export';

/**
 * The CLI's side of a deployed stage's transfer function (services/transfer, decision 0041): `confide org export
 * --stage` and `confide import --stage`. The function reads, decrypts, encrypts and audits where the organisation's
 * keys may be used; the CLI keeps what it does locally: the export folder and its manifest on the operator's machine,
 * the CSV files read and validated here. Records travel only in the invocations' payloads (TLS), never through S3 or
 * a log.
 */

/** What an invocation may carry: Lambda takes at most 6 MB a synchronous request; JSON of rows stays below this. */
export const TRANSFER_REQUEST_BYTES = 4_500_000;

type Answer = Record<string, unknown>;

/** Flags by the fields the function names in a refusal. */
const FLAGS: Readonly<Record<string, string>> = {
  slug: '--slug',
  service: '--service',
  mapping: '--mapping',
  authorisation: '--authorisation',
};

/** One operation of the stage's transfer function, as the signed-in operator (CONFIDE_OPERATOR_TOKEN first). */
export async function transfer(
  stage: string,
  operation: string,
  input: Answer,
  flags = FLAGS,
): Promise<Answer> {
  const { operatorTokenFor } = await import('./login');
  const token = operatorTokenFor(
    stage,
    "The stage's transfer function exports and imports only for an active operator.",
  );
  const { stageFunction } = await import('./stage');
  const target = stageFunction(stage, 'transfer');
  let answer: Answer | null;
  try {
    answer = (await target.invokeWith({ operation, token, input })) as Answer | null;
  } catch (error) {
    // ProvisionerFunction's messages say "provisioner" whichever function it invoked.
    const message = (error as Error).message.replace(/\b([Tt])he provisioner\b/g, '$1he function');
    throw new CliError(`The ${stage} transfer function could not be run: ${message}`);
  }
  if (answer?.ok === false) {
    const error = (answer.error ?? {}) as { code?: unknown; message?: unknown; field?: unknown };
    const flag = typeof error.field === 'string' ? flags[error.field] : undefined;
    const text = `${String(error.message ?? 'Refused.')} (${String(error.code ?? 'ERROR')})`;
    throw new CliError(flag ? `${flag}: ${text}` : text);
  }
  if (answer?.ok !== true || answer.operation !== operation) {
    throw new CliError(`The ${stage} transfer function gave no ${operation} result.`);
  }
  return answer;
}

interface ExportedPerson {
  readonly clientId: string;
  readonly erased: boolean;
  readonly notes: number;
  readonly document: unknown;
}

/**
 * `confide org export --slug <s> --to <folder> --stage <stage>`: the function audits the export (the platform audit
 * first, then each person's READ before their records are opened) and answers the records page by page; this writes
 * them as the local export does (0700 folder, 0600 files, manifest of digests) and has the function record the
 * EXPORTED record with the manifest's digest, which offboarding requires.
 */
export async function orgExportInStage(
  stage: string,
  options: { slug: string; to: string },
): Promise<string> {
  let begun: Answer;
  try {
    begun = await transfer(stage, 'export.begin', { slug: options.slug });
  } catch (error) {
    if (error instanceof CliError && error.message.includes('ResourceNotFound')) {
      // A stage deployed before decision 0041 has no transfer function: say what --to needs.
      throw new CliError(
        `--to: ${stage} has no transfer function (confide-${stage}-transfer) to export through: deploy this version, or record a waiver with --waive <reason>. (${error.message})`,
      );
    }
    throw error;
  }
  const requestId = String(begun.requestId);
  const folder = ExportFolder.create(options.to, options.slug, new Date(String(begun.exportedAt)));
  const staff = (begun.staff ?? []) as unknown[];
  const careServices = (begun.services ?? []) as unknown[];
  folder.write('staff.json', staff);
  folder.write('services.json', careServices);
  let cursor: unknown = begun.cursor;
  const seen = new Set<string>();
  let notes = 0;
  let erased = 0;
  while (cursor) {
    const page = await transfer(stage, 'export.page', {
      slug: options.slug,
      requestId,
      cursor,
      // Fewer people a page than the function's most (CONFIDE_EXPORT_PAGE_PEOPLE): shorter invocations.
      ...(process.env.CONFIDE_EXPORT_PAGE_PEOPLE
        ? { limit: Number(process.env.CONFIDE_EXPORT_PAGE_PEOPLE) }
        : {}),
    });
    for (const person of (page.people ?? []) as ExportedPerson[]) {
      // A person the function carried over to the next page (its size bound) is written once.
      if (seen.has(person.clientId)) continue;
      seen.add(person.clientId);
      if (person.erased) erased += 1;
      notes += person.notes;
      folder.write(`service-users/${person.clientId}.json`, person.document);
    }
    cursor = page.next;
  }
  const manifestDigest = folder.writeManifest({
    organisation: begun.organisation,
    exportedAt: begun.exportedAt,
    exportedBy: begun.operatorId,
    counts: {
      serviceUsers: seen.size,
      erased,
      notes,
      staff: staff.length,
      services: careServices.length,
    },
  });
  await transfer(stage, 'export.complete', {
    slug: options.slug,
    requestId,
    serviceUsers: seen.size,
    notes,
    manifestDigest,
  });
  return (
    `Exported ${options.slug} from ${stage}: ${seen.size} service users (${erased} erased), ${notes} notes, ` +
    `to ${folder.path} (manifest sha256 ${manifestDigest}). Hand the folder to the charity.`
  );
}

/** Splits rows into invocations of at most `limit` rows and {@link TRANSFER_REQUEST_BYTES} of JSON each. */
export function payloadChunks<T>(rows: readonly T[], limit: number): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (size > TRANSFER_REQUEST_BYTES) {
      throw new CliError('A client with its notes is larger than one invocation can carry: split its notes.');
    }
    if (chunk.length >= limit || bytes + size > TRANSFER_REQUEST_BYTES) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
