import { join } from 'node:path';
import {
  anchoredVerify,
  KmsCheckpointSigner,
  localCheckpointKey,
} from '@confide/service-verifier/anchored-verify';
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
export async function auditVerifyCommand(options: { org?: string }): Promise<string> {
  if (!options.org) throw new CliError('Give --org <slug>.');
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
  if (result.ok) return `Audit log of ${options.org} verified: ${result.checked} events, no problems.`;
  throw new CliError(
    `Audit log of ${options.org} FAILED verification: first bad event ${result.firstBadEvent} (${result.reason}); ` +
      `${result.problems} problem(s) in ${result.checked} events checked.`,
  );
}
