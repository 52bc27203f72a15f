import { asOrgId } from '@confide/domain';
import { stageKeyPolicy } from '@confide/keys';
import { CliError } from './data-dir';

/**
 * `npx confide keys policy --org-id <orgId> --stage <stage> --account <id> [--transition]`: prints the key policy an
 * existing organisation key must carry, for the break-glass role to put (decision 0031: only it may change a key
 * policy, decision 0029). Reads and writes nothing: the organisation id is the key's `confide:organisation` tag.
 * `--transition` also keeps the api role's use of the key, for the keys re-applied before the api that calls KMS with
 * the tenant-access role is deployed; the final policy (without it) is put once that api is live.
 */
export function keysPolicyCommand(options: {
  orgId?: string;
  stage?: string;
  account?: string;
  transition?: boolean;
}): string {
  if (!options.orgId) throw new CliError('Give --org-id <orgId> (the key’s confide:organisation tag).');
  if (!options.stage) throw new CliError('Give --stage <stage> (the deployed stage, e.g. prod).');
  if (!options.account) throw new CliError('Give --account <id> (the 12-digit AWS account of the stage).');
  let orgId: ReturnType<typeof asOrgId>;
  try {
    orgId = asOrgId(options.orgId);
  } catch {
    throw new CliError('--org-id takes an organisation id (org_ and 26 characters).');
  }
  try {
    return JSON.stringify(
      stageKeyPolicy({
        orgId,
        stage: options.stage,
        accountId: options.account,
        keepApiRole: options.transition === true,
      }),
      null,
      2,
    );
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}
