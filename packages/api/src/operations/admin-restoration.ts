import { conflict, type Principal } from '@confide/domain';
import type { PendingAdminRestoration, StaffMember, TenantScope } from '@confide/store';
import type { ConfideServices } from '../services';
import { organisationProvisioning } from './provisioning';
import { hasGeneratedSubject } from './staff-invitations';

/** What a restoration did: the account given ORG_ADMIN, and the admin accounts it deactivated. */
export interface AdminRestoration {
  readonly staffId: string;
  readonly deactivated: readonly string[];
}

/**
 * Runs an administrator restoration two operators agreed (decision 0109): the named staff member gets ORG_ADMIN, every
 * other active ORG_ADMIN account is deactivated (its tokens are refused from that write; its sign-in user, if it was
 * invited, is disabled next), and the governance contacts are told.
 *
 * Each step is safe to repeat, so a restoration that failed part-way is finished by running it again: the named
 * account keeps the role it was given, and an admin already deactivated is not an active admin any more.
 */
export async function restoreAdministration(
  services: ConfideServices,
  scope: TenantScope,
  /** The account the request names, as the caller read it. */
  named: StaffMember | undefined,
  pending: PendingAdminRestoration,
  operator: Principal,
): Promise<AdminRestoration> {
  const { directory } = services;
  if (named?.staffId !== pending.staffId || named.status !== 'ACTIVE') {
    throw conflict('The staff member named is not active.');
  }
  if (!named.roles.includes('ORG_ADMIN')) {
    await directory.updateStaff(scope, named.staffId, {
      roles: [...named.roles, 'ORG_ADMIN'],
      expectedVersion: named.version,
    });
  }
  const others = (await directory.staffRoster(scope)).filter(
    (entry) =>
      entry.staffId !== named.staffId && entry.status === 'ACTIVE' && entry.roles.includes('ORG_ADMIN'),
  );
  const deactivated: string[] = [];
  for (const entry of others) {
    const admin = await directory.staff(scope, entry.staffId);
    if (admin?.status !== 'ACTIVE') continue;
    await directory.updateStaff(scope, admin.staffId, {
      status: 'DEACTIVATED',
      expectedVersion: admin.version,
    });
    deactivated.push(admin.staffId);
    if (!hasGeneratedSubject(admin)) {
      await organisationProvisioning(services).disableStaffSignIn(
        { organisationId: scope.orgId, staffId: admin.staffId },
        operator,
      );
    }
  }
  await services.notifications.notify(scope, 'ADMINISTRATION_RESTORED', pending.restorationId);
  return { staffId: named.staffId, deactivated };
}
