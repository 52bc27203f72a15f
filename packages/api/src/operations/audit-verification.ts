import type { AuditVerification, TenantScope } from '@confide/store';
import type { ConfideServices } from '../services';

/**
 * Verifies an organisation's whole access audit against its hash chains (docs/decisions/0012): an altered,
 * inserted or deleted event makes `ok` false and names the first bad event. Gaps older than the organisation's
 * audit retention are expiry, not deletion. What `confide audit verify` runs.
 */
export async function verifyAuditLog(
  services: ConfideServices,
  scope: TenantScope,
): Promise<AuditVerification> {
  const organisation = await services.directory.organisation(scope.orgId);
  return services.auditLog.verify(scope, {
    now: services.clock.now(),
    ...(organisation ? { retentionYears: organisation.retention.auditYears } : {}),
  });
}
