import type { AuditVerification, TenantScope } from '@confide/store';
import type { ConfideServices } from '../services';

/**
 * Verifies an organisation's whole access audit against its hash chains (docs/decisions/0012): an altered,
 * inserted or deleted event makes `ok` false and names the first bad event. A gap is expiry, not deletion, only
 * where the chain proves the missing events were due (decision 0017); for events written before events carried
 * their expiry, where it is older than the organisation's audit retention. What `confide audit verify` runs.
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
