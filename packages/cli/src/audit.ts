import { verifyAuditLog } from '@confide/api';
import { tenantScope } from '@confide/store';
import { servicesFor } from './commands';
import { CliError, runningStack } from './data-dir';

/**
 * `confide audit verify --org <slug>`: checks the organisation's access audit against its hash chains. Prints a
 * one-line summary and exits 0 when clean; exits 1 naming the first bad event otherwise.
 */
export async function auditVerifyCommand(options: { org?: string }): Promise<string> {
  if (!options.org) throw new CliError('Give --org <slug>.');
  const services = servicesFor(runningStack());
  const orgId = await services.directory.organisationIdBySlug(options.org);
  if (!orgId) throw new CliError(`No organisation with slug "${options.org}".`);
  const result = await verifyAuditLog(services, tenantScope(orgId));
  if (result.ok) return `Audit log of ${options.org} verified: ${result.checked} events, no problems.`;
  throw new CliError(
    `Audit log of ${options.org} FAILED verification: first bad event ${result.firstBadEvent} (${result.reason}); ` +
      `${result.problems} problem(s) in ${result.checked} events checked.`,
  );
}
