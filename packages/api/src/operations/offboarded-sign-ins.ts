import { isIdOf, type OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import type { ConfideServices } from '../services';

/** What the pool answered for one user of an offboarded organisation (decision 0132). */
export type OrganisationUserDeletion = 'DELETED' | 'GONE' | 'ANOTHER_ORGANISATION';

/** The user pool as the sweep of offboarded organisations uses it. */
export interface OrganisationUsers {
  /**
   * Deletes the user whose `sub` this is, only if the pool holds it for `orgId` (its `custom:org_id`, which the
   * provisioner set at creation and no one else may write): `DELETED`; `GONE` when the pool has no such user;
   * `ANOTHER_ORGANISATION` when it belongs elsewhere, and nothing is deleted. A pool fault is thrown.
   */
  deleteOrganisationUser(subject: string, orgId: OrgId): Promise<OrganisationUserDeletion>;
}

/** One run of the sweep, as the provisioner answers it: counts and the organisations finished. */
export interface OffboardedSignInsSweep {
  /** Organisations whose key KMS no longer knows and whose users were all deleted (or gone) in this run. */
  readonly organisationsFinished: readonly OrgId[];
  /** Offboarded organisations whose key is still pending deletion (or whose state KMS did not answer). */
  readonly organisationsWaiting: number;
  readonly usersDeleted: number;
  readonly usersGone: number;
  /** Subjects the pool holds for another organisation: a planted subject, never deleted. */
  readonly usersRefused: number;
}

/** Who the platform audit log names for the sweep: the provisioner, on its daily schedule. */
const SWEEP_ACTOR = { kind: 'PROVISIONER', id: 'offboarded-sign-ins-schedule' } as const;

/**
 * Deletes the pool users of every offboarded organisation whose KMS key has been deleted (decision 0132). Offboarding
 * disabled them (decision 0021); each still holds a person's email address. Run daily by the provisioner's schedule.
 *
 * - Only once KMS, asked by the key's alias, no longer knows the key: while it is pending deletion the break-glass role
 *   may still cancel the offboarding, and the users must be there to enable again.
 * - The subjects are read from the staff accounts as stored (the key that MACs them is gone), expired ones included;
 *   a generated subject (`sub_…`, never invited) has no user. The pool deletes a user only if it holds it for this
 *   organisation.
 * - An organisation is marked once every one of its users is deleted or gone, and passed by from then on. A pool fault
 *   stops the run (thrown): the next run starts again, and a user deleted before counts as gone.
 * - Each finished organisation is recorded in the platform audit log; the counts are in the answer. No subject or
 *   address is recorded or answered.
 */
export async function deleteOffboardedSignIns(
  services: ConfideServices,
  users: OrganisationUsers | undefined,
  requestId: string,
): Promise<OffboardedSignInsSweep> {
  const organisations = (await services.directory.listOrganisations()).filter(
    (organisation) => organisation.status === 'OFFBOARDED' && !organisation.signInUsersDeletedAt,
  );
  const finished: OrgId[] = [];
  let waiting = 0;
  let deleted = 0;
  let gone = 0;
  let refused = 0;
  for (const { orgId } of organisations) {
    const lifecycle = await services.organisationKeys.lifecycle(orgId).catch(() => undefined);
    // Locally there is no pool: nothing to delete, and nothing marked.
    if (lifecycle !== 'DELETED' || !users) {
      waiting += 1;
      continue;
    }
    const subjects = await services.directory.staffSignInSubjects(tenantScope(orgId), {
      includingExpired: true,
    });
    const counts = { DELETED: 0, GONE: 0, ANOTHER_ORGANISATION: 0 };
    for (const subject of subjects) {
      if (isIdOf('subject', subject)) continue;
      counts[await users.deleteOrganisationUser(subject, orgId)] += 1;
    }
    await services.directory.markSignInUsersDeleted(orgId);
    await services.platformAudit.record({
      actor: SWEEP_ACTOR,
      operation: 'provisioner.deleteOffboardedSignIns',
      organisationId: orgId,
      outcome: 'COMPLETED',
      rule: 'provisioner.deleteOffboardedSignIns',
      requestId,
    });
    finished.push(orgId);
    deleted += counts.DELETED;
    gone += counts.GONE;
    refused += counts.ANOTHER_ORGANISATION;
  }
  return {
    organisationsFinished: finished,
    organisationsWaiting: waiting,
    usersDeleted: deleted,
    usersGone: gone,
    usersRefused: refused,
  };
}
