import { join } from 'node:path';
import {
  anchoredVerify,
  KmsCheckpointSigner,
  localCheckpointKey,
} from '@confide/service-verifier/anchored-verify';
import type { VerifierAnswer } from '@confide/service-verifier/handler';
import { FileCheckpointStore, tenantScope } from '@confide/store';
import { servicesFor } from './commands';
import { CliError, runningStack } from './data-dir';

/** The local checkpoint key's alias (in AWS the key is defined in CDK). */
export const LOCAL_CHECKPOINT_KEY_ALIAS = 'alias/confide-audit-checkpoints/local';

/**
 * `confide audit verify --org <slug>`: checks the organisation's access audit against its hash chains and against its
 * last signed checkpoint (every chain only grows), then, when clean, signs the next checkpoint (decision 0029), as the
 * verifier function does in AWS. Checkpoints are kept in `<data dir>/audit-checkpoints/`, the local stand-in for the
 * Object Lock bucket, which the api never writes. Prints a one-line summary and exits 0 when clean; exits 1 naming
 * the first bad event otherwise.
 */
export async function auditVerifyCommand(options: { org?: string; stage?: string }): Promise<string> {
  if (!options.org) throw new CliError('Give --org <slug>.');
  if (options.stage !== undefined) return verifyInStage(options.org, options.stage);
  const stack = runningStack();
  const services = servicesFor(stack);
  const orgId = await services.directory.organisationIdBySlug(options.org);
  if (!orgId) throw new CliError(`No organisation with slug "${options.org}".`);
  const signer = new KmsCheckpointSigner(
    services.kms,
    await localCheckpointKey(services.kms, LOCAL_CHECKPOINT_KEY_ALIAS),
  );
  const store = new FileCheckpointStore(join(stack.dataDir, 'audit-checkpoints'));
  const result = await anchoredVerify(services, tenantScope(orgId), { store, signer });
  // Entries of list reads whose requests failed closed before their list event was written (decision 0042).
  const unconfirmed = result.unconfirmedEntries
    ? ` ${result.unconfirmedEntries} entries of requests that failed closed are unconfirmed (not a problem).`
    : '';
  if (result.ok)
    return `Audit log of ${options.org} verified: ${result.checked} events, no problems.${unconfirmed}`;
  throw new CliError(
    `Audit log of ${options.org} FAILED verification: first bad event ${result.firstBadEvent} (${result.reason}); ` +
      `${result.problems} problem(s) in ${result.checked} events checked.`,
  );
}

/**
 * `confide audit verify --org <slug> --stage <stage>`: runs the stage's verifier function for one organisation (the
 * function's own read-only role reads the audit and writes the checkpoint to the Object Lock bucket) and reports what
 * it found, exiting 1 on a failure as locally.
 */
async function verifyInStage(slug: string, stage: string): Promise<string> {
  const { stageFunction } = await import('./stage');
  let answer: VerifierAnswer;
  try {
    answer = (await stageFunction(stage, 'verifier').invokeWith({ slug })) as VerifierAnswer;
  } catch (error) {
    throw new CliError(`The ${stage} verifier could not be run: ${(error as Error).message}`);
  }
  const [result] = answer.results ?? [];
  if (!result) throw new CliError(`No active organisation with slug "${slug}" in ${stage}.`);
  if (result.ok) {
    return `Audit log of ${slug} in ${stage} verified: ${result.checked} events, no problems${result.checkpointWritten ? '; checkpoint written' : ''}.`;
  }
  throw new CliError(
    `Audit log of ${slug} in ${stage} FAILED verification: first bad event ${result.firstBadEvent ?? 'unknown'} (${result.reason ?? 'unknown'}); ` +
      `${result.problems} problem(s) in ${result.checked} events checked.`,
  );
}
