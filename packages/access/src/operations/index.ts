export { OPERATION_POLICIES, type OperationPolicyId } from './catalogue';
export type {
  ChangeFacts,
  ConsentFacts,
  OperationDecision,
  OperationEffect,
  OperationFacts,
  PrincipalKind,
  SubjectKind,
} from './facts';
export { classifiedWritePolicy, clientPolicy } from './policies/common';
export {
  ACKNOWLEDGEABLE_QUEUE_KINDS,
  type DisclosureQueueItemKind,
  disclosureQueueAudiences,
  type QueueViewer,
  seesDisclosureQueueItem,
} from './policies/disclosure-queue';
export { BREAK_GLASS_REVIEWERS } from './policies/governance-access';
export {
  APPROVER_ROLE_RULE,
  grantsApproverRole,
  grantsContentRole,
  ROLES_WITHOUT_CLIENT_CONTENT,
  STAFF_IN_MANAGED_SERVICE,
} from './policies/identity';
export {
  authorisingConsent,
  DEFAULT_DISCLOSURE_CONSENT_METHODS,
  decidesDisclosures,
  keptFromSubject,
} from './policies/sharing';
export {
  ACCESS_GRANTS,
  type AccessGrant,
  allow,
  hasAnyRole,
  hidden,
  type NamedPolicy,
  needsApproval,
  type OperationEffects,
  type OperationPolicy,
  operationPolicy,
  refuse,
  staff,
  staffWithRole,
  unacknowledged,
} from './policy';
export { decideReport, REPORT_RULES, type ReportReach, reportReach } from './report-scope';
