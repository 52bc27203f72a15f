import { isIdOf, type OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import type { ConfideServices } from '../services';
import { awaitsAppClient, type PartnerClients } from './partner-clients';

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
  /** Offboarded organisations whose key is still pending deletion (or in use again), and all of them without a pool. */
  readonly organisationsWaiting: number;
  /**
   * Organisations left unfinished by a fault (the pool, the table, KMS not answering), each with the error's name: the
   * next run takes them up again.
   */
  readonly organisationsFailed: readonly { readonly organisationId: OrgId; readonly error: string }[];
  /** False when the run stopped for want of time before every organisation was looked at. */
  readonly complete: boolean;
  readonly usersDeleted: number;
  readonly usersGone: number;
  /**
   * Subjects not deleted: held by the pool for another organisation, or not a Cognito `sub` at all (a raw write to an
   * account). Never deleted, and they do not hold the organisation back.
   */
  readonly usersRefused: number;
  /** Partner agencies' app clients deleted from the pool, with their bindings. */
  readonly partnerClientsDeleted: number;
  /** App clients a partner names but that are bound to another organisation: never deleted. */
  readonly partnerClientsRefused: number;
  /** Staff accounts whose handle, the one name-like text they keep in clear, was taken off. */
  readonly handlesForgotten: number;
}

/** The platform audit log's actor: the provisioner, on that request (the schedule's, or an operator's by hand). */
const SWEEP_ACTOR = { kind: 'PROVISIONER', id: 'deleteOffboardedSignIns' } as const;

/** A Cognito `sub`: a lower-case UUID. Anything else on an account was not written by the provisioner. */
const COGNITO_SUB = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the sweep leaves itself before the function's timeout: it starts no user's deletion with less. */
const TIME_TO_SPARE_MS = 10_000;

/**
 * Deletes the pool users of every offboarded organisation whose KMS key has been deleted (decision 0132). Offboarding
 * disabled them (decision 0021); each still holds a person's email address. Run daily by the provisioner's schedule.
 *
 * - Only once KMS, asked by the key's alias, no longer knows the key: while it is pending deletion, the deletion may
 *   still be cancelled, and nothing of the organisation should be beyond recall before its key is.
 * - The subjects are read from the staff accounts as stored (the key that MACs them is gone), expired ones included,
 *   and from the notes offboarding made of them (for accounts TTL has removed since); a generated subject (`sub_…`,
 *   never invited) has no user, and a text that is not a Cognito `sub` is refused. The pool deletes a user only if it
 *   holds it for this organisation.
 * - A user deleted (or already gone) is taken off the account that named it, and its note is taken away, so a run cut
 *   short resumes after it.
 * - Then the organisation's partner agencies' app clients bound to it are deleted from the pool, with their bindings,
 *   and every staff account loses its handle, the one name-like text it keeps in clear.
 * - Each finished organisation is recorded in the platform audit log, then marked, and passed by from then on. A fault
 *   (KMS not answering included) leaves that organisation unmarked and the sweep goes on to the next
 *   (`organisationsFailed`); the next run takes it up again.
 * - `remainingMs` (the Lambda's remaining time) stops the run before the function's timeout, `complete: false`.
 * - No subject or address is recorded or answered: ids and counts only.
 */
export async function deleteOffboardedSignIns(
  services: ConfideServices,
  users: OrganisationUsers | undefined,
  requestId: string,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
  partnerClients?: PartnerClients,
): Promise<OffboardedSignInsSweep> {
  const organisations = (await services.directory.listOrganisations()).filter(
    (organisation) => organisation.status === 'OFFBOARDED' && !organisation.signInUsersDeletedAt,
  );
  const finished: OrgId[] = [];
  const failed: { organisationId: OrgId; error: string }[] = [];
  const counts = {
    waiting: 0,
    deleted: 0,
    gone: 0,
    refused: 0,
    clientsDeleted: 0,
    clientsRefused: 0,
    handlesForgotten: 0,
  };
  const tally = (outcome: OrganisationUserDeletion | 'NOT_A_SUB') => {
    if (outcome === 'DELETED') counts.deleted += 1;
    else if (outcome === 'GONE') counts.gone += 1;
    else counts.refused += 1;
  };
  let complete = true;
  for (const { orgId } of organisations) {
    try {
      // Locally there is no pool: nothing to delete, and nothing marked.
      if (!users || (await services.organisationKeys.lifecycle(orgId)) !== 'DELETED') {
        counts.waiting += 1;
        continue;
      }
      if (
        !(await deleteUsersOf(services, users, orgId, remainingMs, tally)) ||
        // Without the pool's app clients, their bindings stay too: nothing is half done.
        (partnerClients &&
          !(await deletePartnerClientsOf(services, partnerClients, orgId, remainingMs, counts)))
      ) {
        complete = false;
        break;
      }
      counts.handlesForgotten += await services.directory.forgetHandles(tenantScope(orgId));
      await services.platformAudit.record({
        actor: SWEEP_ACTOR,
        operation: 'provisioner.deleteOffboardedSignIns',
        organisationId: orgId,
        outcome: 'COMPLETED',
        rule: 'provisioner.deleteOffboardedSignIns',
        requestId,
      });
      if (await services.directory.markSignInUsersDeleted(orgId)) finished.push(orgId);
    } catch (error) {
      failed.push({ organisationId: orgId, error: error instanceof Error ? error.name : 'Error' });
    }
  }
  return {
    organisationsFinished: finished,
    organisationsWaiting: counts.waiting,
    organisationsFailed: failed,
    complete,
    usersDeleted: counts.deleted,
    usersGone: counts.gone,
    usersRefused: counts.refused,
    partnerClientsDeleted: counts.clientsDeleted,
    partnerClientsRefused: counts.clientsRefused,
    handlesForgotten: counts.handlesForgotten,
  };
}

/**
 * The organisation's partner agencies' app clients (decision 0022), which could still obtain tokens the api refuses:
 * each deleted from the pool only if its platform binding names this organisation, then the binding. A partner whose
 * client awaits creation (a generated id) or whose binding is gone (deleted before) is passed by. False when time ran
 * out first.
 */
async function deletePartnerClientsOf(
  services: ConfideServices,
  clients: Pick<PartnerClients, 'delete'>,
  orgId: OrgId,
  remainingMs: () => number,
  counts: { clientsDeleted: number; clientsRefused: number },
): Promise<boolean> {
  for (const partner of await services.partners.list(tenantScope(orgId))) {
    if (awaitsAppClient(partner)) continue;
    const binding = await services.partners.clientBinding(partner.clientId);
    if (!binding) continue;
    if (binding.orgId !== orgId) {
      counts.clientsRefused += 1;
      continue;
    }
    if (remainingMs() < TIME_TO_SPARE_MS) return false;
    await clients.delete(partner.clientId);
    await services.partners.forgetClientBinding(partner.clientId);
    counts.clientsDeleted += 1;
  }
  return true;
}

/** One organisation's users, one after another, while there is time; false when time ran out first. */
async function deleteUsersOf(
  services: ConfideServices,
  users: OrganisationUsers,
  orgId: OrgId,
  remainingMs: () => number,
  tally: (outcome: OrganisationUserDeletion | 'NOT_A_SUB') => void,
): Promise<boolean> {
  const scope = tenantScope(orgId);
  const [accounts, noted] = await Promise.all([
    services.directory.staffSignInAccounts(scope, { includingExpired: true }),
    services.directory.signInsToDelete(scope),
  ]);
  const handled = new Set<string>();
  const handle = async (subject: string): Promise<OrganisationUserDeletion | 'NOT_A_SUB' | 'NO_TIME'> => {
    if (!COGNITO_SUB.test(subject)) return 'NOT_A_SUB';
    if (remainingMs() < TIME_TO_SPARE_MS) return 'NO_TIME';
    return users.deleteOrganisationUser(subject, orgId);
  };
  // The accounts still in the table, then the subjects noted at offboarding whose accounts TTL has removed since.
  for (const { account, subject } of accounts) {
    if (isIdOf('subject', subject) || handled.has(subject)) continue;
    const outcome = await handle(subject);
    if (outcome === 'NO_TIME') return false;
    tally(outcome);
    handled.add(subject);
    // A user deleted or gone is taken off its account, so that the next run resumes after it.
    if (outcome === 'DELETED' || outcome === 'GONE') {
      await services.directory.forgetSignInSubject(scope, account, subject);
    }
  }
  for (const subject of noted) {
    if (!handled.has(subject)) {
      const outcome = await handle(subject);
      if (outcome === 'NO_TIME') return false;
      tally(outcome);
      handled.add(subject);
    }
    await services.directory.forgetSignInToDelete(scope, subject);
  }
  return true;
}
