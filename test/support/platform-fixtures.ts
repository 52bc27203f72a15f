import { organisationExports } from '@confide/api';
import { asOrgId, isIdOf } from '@confide/domain';
import { tenantScope } from '@confide/store';
import type { GraphqlResult, TestApi } from './test-api';

/**
 * Records that an organisation's export to its controller was waived (decision 0034), as offboarding requires; for
 * tests about offboarding's other rules. Answers the waiver's record id.
 */
export async function exportWaived(
  api: Pick<TestApi, 'services'>,
  organisationId: string,
): Promise<string | undefined> {
  // An organisation that does not exist has no key to MAC a record under: offboarding answers NOT_FOUND anyway.
  if (!isIdOf('org', organisationId)) return undefined;
  if (!(await api.services.directory.organisation(asOrgId(organisationId)))) return undefined;
  const waiver = await organisationExports(api.services).record(tenantScope(asOrgId(organisationId)), {
    kind: 'WAIVED',
    by: 'test-operator',
    reason: 'CONTROLLER_HOLDS_COPY',
    reference: undefined,
  });
  return waiver.exportId;
}

export const OFFBOARD_MUTATION = `mutation ($input: OffboardOrganisationInput!) {
  offboardOrganisation(input: $input) { id status keyDeletionDate }
}`;

export type OffboardResult = GraphqlResult<{
  offboardOrganisation: { id: string; status: string; keyDeletionDate: string };
}>;

/**
 * Offboards an organisation as the platform requires (issue 14): one operator asks (answered APPROVAL_REQUIRED),
 * a second operator's same call runs it. Answers the second call; a refusal of the first is answered as is.
 */
export async function offboardWithTwoOperators(
  api: TestApi,
  organisationId: string,
  pendingWindowInDays?: number,
  options: { first?: string; second?: string; exported?: boolean } = {},
): Promise<OffboardResult> {
  if (options.exported !== false) await exportWaived(api, organisationId);
  const variables = { input: { organisationId, pendingWindowInDays } };
  const first: OffboardResult = await api.graphql(OFFBOARD_MUTATION, {
    token: options.first ?? (await api.operatorToken()),
    variables,
  });
  if (first.errors?.[0]?.extensions?.code !== 'APPROVAL_REQUIRED') return first;
  return api.graphql(OFFBOARD_MUTATION, {
    token: options.second ?? (await api.secondOperatorToken()),
    variables,
  });
}
