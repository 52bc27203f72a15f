import { localDate } from '@confide/domain';
import { expect } from 'vitest';
import { expectNoErrors, type Person } from '../support/care-fixtures';
import type { TestApi } from '../support/test-api';

/**
 * Subject access as issue 14 has it: staff record a request with how they checked the person's identity, and the
 * export they compile is readable to them once a second person (the Caldicott Guardian, or another IG lead) has
 * approved it.
 */

export const REQUEST = `mutation ($c: ID!, $on: String!, $check: SubjectAccessIdentityCheck) {
  requestSubjectAccess(serviceUserId: $c, receivedOn: $on, identityCheck: $check) {
    id status openedByPerson identityCheck exportApproved exportApprovedBy
  }
}`;
export const APPROVE = `mutation ($r: ID!) {
  approveSubjectAccessExport(requestId: $r) { id exportApproved exportApprovedBy exportApprovedAt }
}`;
export const EXPORT = 'query ($c: ID!) { subjectAccessExport(serviceUserId: $c) { requestId document } }';

/** Today in the test organisations' time zone (Europe/London, the default): a person's own request is dated so. */
export const today = () => localDate(new Date(), 'Europe/London');

/** A request recorded by staff, the person's identity checked in person with photo ID; its id. */
export async function recordSubjectAccessRequest(
  api: TestApi,
  by: Person,
  serviceUserId: string,
  receivedOn = today(),
): Promise<string> {
  const result = await api.graphql<{ requestSubjectAccess: { id: string } }>(REQUEST, {
    token: by.token,
    variables: { c: serviceUserId, on: receivedOn, check: 'PHOTO_ID' },
  });
  expectNoErrors(result);
  return result.data?.requestSubjectAccess.id ?? '';
}

/** The second person's approval of the export staff compile for the request. */
export async function approveSubjectAccessExport(api: TestApi, by: Person, requestId: string): Promise<void> {
  const result = await api.graphql<{ approveSubjectAccessExport: { exportApproved: boolean } }>(APPROVE, {
    token: by.token,
    variables: { r: requestId },
  });
  expectNoErrors(result);
  expect(result.data?.approveSubjectAccessExport.exportApproved).toBe(true);
}

/** A request recorded by `recorder` and approved by `approver`, ready for the IG lead to compile; its id. */
export async function approvedSubjectAccessRequest(
  api: TestApi,
  recorder: Person,
  approver: Person,
  serviceUserId: string,
  receivedOn = today(),
): Promise<string> {
  const requestId = await recordSubjectAccessRequest(api, recorder, serviceUserId, receivedOn);
  await approveSubjectAccessExport(api, approver, requestId);
  return requestId;
}
