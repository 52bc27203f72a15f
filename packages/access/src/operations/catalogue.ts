import { APPROVAL_POLICIES } from './policies/approvals';
import { CLIENT_POLICIES } from './policies/clients';
import { DISCLOSURE_QUEUE_POLICIES } from './policies/disclosure-queue';
import { GOVERNANCE_POLICIES } from './policies/governance';
import { ACCESS_GOVERNANCE_POLICIES } from './policies/governance-access';
import { IDENTITY_POLICIES } from './policies/identity';
import { IMPORT_POLICIES } from './policies/imports';
import { PLATFORM_POLICIES } from './policies/platform';
import { SHARING_POLICIES } from './policies/sharing';
import type { OperationPolicy } from './policy';

const ALL = [
  ...IDENTITY_POLICIES,
  ...PLATFORM_POLICIES,
  ...CLIENT_POLICIES,
  ...SHARING_POLICIES,
  ...DISCLOSURE_QUEUE_POLICIES,
  ...GOVERNANCE_POLICIES,
  ...ACCESS_GOVERNANCE_POLICIES,
  ...APPROVAL_POLICIES,
  ...IMPORT_POLICIES,
] as const;

/** The id of an operation policy, as a schema field names it in `operation: { policy }`. */
export type OperationPolicyId = (typeof ALL)[number]['id'];

/** THE ONE PLACE every query and mutation's policy is found, by id. */
export const OPERATION_POLICIES: Readonly<Record<OperationPolicyId, OperationPolicy>> = Object.fromEntries(
  ALL.map((policy) => [policy.id, policy]),
) as Record<OperationPolicyId, OperationPolicy>;

if (Object.keys(OPERATION_POLICIES).length !== ALL.length) {
  throw new Error('Two operation policies share an id');
}
