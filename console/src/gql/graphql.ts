/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The unusual-access rule an alert comes from (thresholds in AccessMonitoringSettings). */
export type AccessAlertRule =
  | 'EMERGENCY_REVIEW_OVERDUE'
  | 'MANY_CLIENTS_OUTSIDE_CASELOAD'
  | 'OUT_OF_HOURS'
  | 'REPEATED_DENIALS';

/** A change to the monitoring settings; omitted fields keep their value. */
export type AccessMonitoringSettingsInput = {
  /** 2–1000. */
  deniedAttemptsThreshold?: number | null | undefined;
  /** 1–1440. */
  deniedAttemptsWindowMinutes?: number | null | undefined;
  /** 1–90. */
  emergencyReviewDays?: number | null | undefined;
  /** 2–1000. */
  manyClientsThreshold?: number | null | undefined;
  /** 1–1440. */
  manyClientsWindowMinutes?: number | null | undefined;
  /** IANA time zone, e.g. Europe/London. */
  timeZone?: string | null | undefined;
  /** 1 = Monday … 7 = Sunday. */
  workingDays?: Array<number> | null | undefined;
  /** HH:MM. */
  workingHoursEnd?: string | null | undefined;
  /** HH:MM. */
  workingHoursStart?: string | null | undefined;
};

/** The sensitivity class of a field of personal data (ACCESS-MODEL.md, Classifications). */
export type Classification =
  | 'CARE'
  | 'CONSENT'
  | 'CONTACT'
  | 'FINANCE'
  | 'HEALTH'
  | 'IDENTIFYING'
  | 'PSEUDONYMOUS'
  | 'SAFEGUARDING'
  | 'STAFF_PERSONAL';

/** What a disclosure request waits for: AWAITING_DECISION (received; the service’s managers decide), ESCALATED_REQUEST (the Caldicott Guardian alone decides), FLAGGED_DECISION (approved on a basis other than consent, flagged for the Guardian), COURT_ORDER_DISCLOSURE (approved under a court order; the Senior Manager must be told, Azure 7.1). */
export type DisclosureQueueItemKind =
  | 'AWAITING_DECISION'
  | 'COURT_ORDER_DISCLOSURE'
  | 'ESCALATED_REQUEST'
  | 'FLAGGED_DECISION';

/** The finding: JUSTIFIED, or UNJUSTIFIED — which opens a breach register entry with its 72-hour clock running. */
export type DisclosureReviewOutcome =
  | 'JUSTIFIED'
  | 'UNJUSTIFIED';

/** Whether a disclosure review is waiting for its finding. */
export type DisclosureReviewStatus =
  | 'COMPLETED'
  | 'PENDING';

/** Why break-glass access was opened. Sealed items open only for IMMINENT_DANGER or SAFEGUARDING (ACCESS-MODEL.md). */
export type EmergencyReason =
  | 'IMMINENT_DANGER'
  | 'LEGAL_REQUIREMENT'
  | 'MEDICAL_EMERGENCY'
  | 'OTHER'
  | 'SAFEGUARDING';

/** The basis a disclosure rests on. Without consent, only a recorded legal basis allows release. */
export type LegalBasis =
  | 'CONSENT'
  | 'COURT_ORDER'
  | 'PREVENTION_OF_SERIOUS_CRIME'
  | 'SAFEGUARDING'
  | 'VITAL_INTERESTS';

/** The kind of caller a token identifies. */
export type PrincipalKind =
  | 'OPERATOR'
  | 'PARTNER'
  | 'SERVICE_USER'
  | 'STAFF';

/** How a staff member or other principal relates to a client, computed per request. */
export type Relationship =
  | 'ALLOCATED'
  | 'EMERGENCY'
  | 'INVESTIGATION'
  | 'MANAGES_SERVICE'
  | 'NONE'
  | 'ORG_WIDE'
  | 'QA_REVIEW'
  | 'SELF';

/** The reviewer’s finding on an emergency access. */
export type ReviewOutcome =
  | 'JUSTIFIED'
  | 'UNJUSTIFIED';

/** A staff role within one organisation (ACCESS-MODEL.md, Roles). */
export type Role =
  | 'ADMINISTRATOR'
  | 'CALDICOTT_GUARDIAN'
  | 'CHIEF_EXECUTIVE'
  | 'HR_OFFICER'
  | 'IG_LEAD'
  | 'ORG_ADMIN'
  | 'SAFEGUARDING_LEAD'
  | 'SENIOR_MANAGER'
  | 'SERVICE_MANAGER'
  | 'SUPPORT_WORKER'
  | 'TEAM_LEADER'
  | 'VOLUNTEER';

/** How staff checked the identity of a person asking for their data: photo identification seen, known to the staff member in person, a signed letter checked against the record, or a representative’s written authority checked. */
export type SubjectAccessIdentityCheck =
  | 'KNOWN_TO_STAFF'
  | 'PHOTO_ID'
  | 'REPRESENTATIVE_AUTHORITY'
  | 'SIGNED_LETTER';

export type ConsoleViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleViewerQuery = { me: { kind: PrincipalKind, roles: Array<Role>, organisation: { name: string } | null, staffMember: { id: string, displayName: string | null, handle: string } | null } };

export type ConsolePendingBreakGlassReviewsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsolePendingBreakGlassReviewsQuery = { emergencyAccessReviewsConnection: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, reason: EmergencyReason, openedAt: string, until: string, serviceUserId: string, actor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsolePendingDisclosureReviewsQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsolePendingDisclosureReviewsQuery = { disclosureReviewsConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, requestId: string, serviceUserId: string, legalBasis: LegalBasis, openedAt: string, clientInformed: boolean, recordedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleDisclosureWorkQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleDisclosureWorkQuery = { disclosureWorkQueue: Array<{ kind: DisclosureQueueItemKind, requestId: string, serviceUserId: string, legalBasis: LegalBasis | null, since: string, ageDays: number, urgent: boolean }> };

export type ConsoleAccessAlertsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleAccessAlertsQuery = { accessAlerts: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, rule: AccessAlertRule, description: string, count: number, from: string, to: string, reviewId: string | null, staffId: string, actor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleBreachesQueryVariables = Exact<{
  first: number;
}>;


export type ConsoleBreachesQuery = { breachesConnection: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, nature: string, source: string, categories: Array<string>, approximateSubjects: number, discoveredAt: string, regulatorDeadline: string, regulatorNotifiedAt: string | null, reportable: boolean | null, containment: string | null, overdue: boolean, version: number } }> } };

export type ConsoleSubjectAccessRequestsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSubjectAccessRequestsQuery = { subjectAccessRequestsConnection: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, receivedOn: string, deadline: string, status: string, overdue: boolean, serviceUserId: string } }> } };

export type ConsoleBreakGlassReviewQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleBreakGlassReviewQuery = { emergencyAccessReviewsConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, reason: EmergencyReason, detail: string | null, openedAt: string, until: string, status: string, outcome: ReviewOutcome | null, serviceUserId: string, actor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleCompleteBreakGlassReviewMutationVariables = Exact<{
  reviewId: string | number;
  outcome: ReviewOutcome;
}>;


export type ConsoleCompleteBreakGlassReviewMutation = { completeEmergencyAccessReview: { id: string, status: string, outcome: ReviewOutcome | null } };

export type ConsoleDecideDisclosureRequestMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
  approve: boolean;
  reasoning: string;
}>;


export type ConsoleDecideDisclosureRequestMutation = { decideDisclosureRequest: { kind: string | null } };

export type ConsoleEscalateDisclosureRequestMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
  reasoning: string;
}>;


export type ConsoleEscalateDisclosureRequestMutation = { escalateDisclosureRequest: { kind: string | null } };

export type ConsoleAcknowledgeDisclosureWorkMutationVariables = Exact<{
  serviceUserId: string | number;
  requestId: string;
}>;


export type ConsoleAcknowledgeDisclosureWorkMutation = { acknowledgeDisclosureWork: { kind: DisclosureQueueItemKind } };

export type ConsoleCompleteDisclosureReviewMutationVariables = Exact<{
  reviewId: string | number;
  outcome: DisclosureReviewOutcome;
  notes: string;
}>;


export type ConsoleCompleteDisclosureReviewMutation = { completeDisclosureReview: { id: string, status: DisclosureReviewStatus, outcome: DisclosureReviewOutcome | null } };

export type ConsoleAssessBreachMutationVariables = Exact<{
  breachId: string | number;
  expectedVersion: number;
  reportable: boolean;
  regulatorNotifiedAt?: string | null | undefined;
}>;


export type ConsoleAssessBreachMutation = { assessBreach: { id: string, reportable: boolean | null, regulatorNotifiedAt: string | null, version: number } };

export type ConsolePersonAccessLogQueryVariables = Exact<{
  serviceUserId: string | number;
  after?: string | null | undefined;
}>;


export type ConsolePersonAccessLogQuery = { accessLog: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, at: string, action: string, outcome: string, operation: string, classifications: Array<Classification>, purpose: string | null, relationship: Relationship | null, emergency: boolean, actor: { displayName: string | null, handle: string | null, roles: Array<string>, who: string | null } } }> } };

export type ConsoleDisclosureRegisterQueryVariables = Exact<{
  from: string;
}>;


export type ConsoleDisclosureRegisterQuery = { disclosureReport: { edges: Array<{ node: { id: string, at: string, operation: string, purpose: string | null, classifications: Array<Classification>, actor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleStaffAccessQueryVariables = Exact<{
  staffId: string | number;
  after?: string | null | undefined;
  from?: string | null | undefined;
  to?: string | null | undefined;
}>;


export type ConsoleStaffAccessQuery = { staffAccessReport: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, at: string, action: string, outcome: string, operation: string, classifications: Array<Classification>, purpose: string | null, relationship: Relationship | null, emergency: boolean, actor: { displayName: string | null, handle: string | null, roles: Array<string>, who: string | null } } }> } };

export type ConsoleAccessHeatMapQueryVariables = Exact<{
  from?: string | null | undefined;
  to?: string | null | undefined;
  serviceId?: string | number | null | undefined;
}>;


export type ConsoleAccessHeatMapQuery = { accessHeatMap: { from: string, to: string, timeZone: string, days: Array<string>, staffCount: number, truncated: boolean, cells: Array<{ staffId: string, day: string, reads: number, offCaseload: number, outOfHours: number, denied: number, actor: { displayName: string | null, handle: string | null, roles: Array<string> } }> } };

export type ConsoleSubjectAccessRegisterQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleSubjectAccessRegisterQuery = { subjectAccessRequestsConnection: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, serviceUserId: string, receivedOn: string, deadline: string, status: string, overdue: boolean, openedByPerson: boolean, identityCheck: SubjectAccessIdentityCheck | null, recordedBy: string | null, exportApproved: boolean, exportApprovedBy: string | null, exportApprovedAt: string | null, recordedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } | null } }> } };

export type ConsoleApproveSubjectAccessExportMutationVariables = Exact<{
  requestId: string | number;
}>;


export type ConsoleApproveSubjectAccessExportMutation = { approveSubjectAccessExport: { id: string, exportApproved: boolean, exportApprovedBy: string | null, exportApprovedAt: string | null } };

export type ConsoleSubjectAccessExportQueryVariables = Exact<{
  serviceUserId: string | number;
}>;


export type ConsoleSubjectAccessExportQuery = { subjectAccessExport: { requestId: string | null, deadline: string | null, generatedAt: string, document: string } };

export type ConsoleCompleteSubjectAccessRequestMutationVariables = Exact<{
  requestId: string;
}>;


export type ConsoleCompleteSubjectAccessRequestMutation = { completeSubjectAccessRequest: { id: string, status: string } };

export type ConsoleServicesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleServicesQuery = { servicesConnection: { edges: Array<{ node: { id: string, name: string } }> } };

export type ConsoleLegalHoldsQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConsoleLegalHoldsQuery = { legalHolds: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { serviceUserId: string, reference: string, placedAt: string, reason: string | null, placedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsolePlaceLegalHoldMutationVariables = Exact<{
  serviceUserId: string | number;
  reason: string;
}>;


export type ConsolePlaceLegalHoldMutation = { placeLegalHold: { serviceUserId: string, placedAt: string, placedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } };

export type ConsoleLiftLegalHoldMutationVariables = Exact<{
  serviceUserId: string | number;
  reason: string;
}>;


export type ConsoleLiftLegalHoldMutation = { liftLegalHold: { serviceUserId: string, liftedAt: string | null, liftedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } | null } };

export type ConsolePendingChangesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsolePendingChangesQuery = { pendingChangesConnection: { pageInfo: { hasNextPage: boolean }, edges: Array<{ node: { id: string, operation: string, rule: string, proposedAt: string, proposedByActor: { displayName: string | null, handle: string | null, roles: Array<string> } } }> } };

export type ConsoleApproveChangeMutationVariables = Exact<{
  approvalId: string | number;
}>;


export type ConsoleApproveChangeMutation = { approveChange: { id: string, status: string } };

export type ConsoleRejectChangeMutationVariables = Exact<{
  approvalId: string | number;
}>;


export type ConsoleRejectChangeMutation = { rejectChange: { id: string, status: string } };

export type ConsoleProposeErasureMutationVariables = Exact<{
  serviceUserId: string | number;
  reason: string;
}>;


export type ConsoleProposeErasureMutation = { eraseServiceUser: { serviceUserId: string, erasedAt: string } };

export type ConsoleMonitoringSettingsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMonitoringSettingsQuery = { accessMonitoringSettings: { version: number, timeZone: string, workingDays: Array<number>, workingHoursStart: string, workingHoursEnd: string, emergencyReviewDays: number, manyClientsThreshold: number, manyClientsWindowMinutes: number, deniedAttemptsThreshold: number, deniedAttemptsWindowMinutes: number } };

export type ConsoleSetMonitoringSettingsMutationVariables = Exact<{
  expectedVersion: number;
  input: AccessMonitoringSettingsInput;
}>;


export type ConsoleSetMonitoringSettingsMutation = { setAccessMonitoringSettings: { version: number } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ConsoleViewerDocument = new TypedDocumentString(`
    query ConsoleViewer {
  me {
    kind
    roles
    organisation {
      name
    }
    staffMember {
      id
      displayName
      handle
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleViewerQuery, ConsoleViewerQueryVariables>;
export const ConsolePendingBreakGlassReviewsDocument = new TypedDocumentString(`
    query ConsolePendingBreakGlassReviews {
  emergencyAccessReviewsConnection(status: "PENDING", first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        reason
        openedAt
        until
        serviceUserId
        actor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePendingBreakGlassReviewsQuery, ConsolePendingBreakGlassReviewsQueryVariables>;
export const ConsolePendingDisclosureReviewsDocument = new TypedDocumentString(`
    query ConsolePendingDisclosureReviews($after: String) {
  disclosureReviewsConnection(status: PENDING, first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        requestId
        serviceUserId
        legalBasis
        openedAt
        clientInformed
        recordedByActor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePendingDisclosureReviewsQuery, ConsolePendingDisclosureReviewsQueryVariables>;
export const ConsoleDisclosureWorkDocument = new TypedDocumentString(`
    query ConsoleDisclosureWork {
  disclosureWorkQueue {
    kind
    requestId
    serviceUserId
    legalBasis
    since
    ageDays
    urgent
  }
}
    `) as unknown as TypedDocumentString<ConsoleDisclosureWorkQuery, ConsoleDisclosureWorkQueryVariables>;
export const ConsoleAccessAlertsDocument = new TypedDocumentString(`
    query ConsoleAccessAlerts {
  accessAlerts(first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        rule
        description
        count
        from
        to
        reviewId
        staffId
        actor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAccessAlertsQuery, ConsoleAccessAlertsQueryVariables>;
export const ConsoleBreachesDocument = new TypedDocumentString(`
    query ConsoleBreaches($first: Int!) {
  breachesConnection(first: $first) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        nature
        source
        categories
        approximateSubjects
        discoveredAt
        regulatorDeadline
        regulatorNotifiedAt
        reportable
        containment
        overdue
        version
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleBreachesQuery, ConsoleBreachesQueryVariables>;
export const ConsoleSubjectAccessRequestsDocument = new TypedDocumentString(`
    query ConsoleSubjectAccessRequests {
  subjectAccessRequestsConnection(first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        receivedOn
        deadline
        status
        overdue
        serviceUserId
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSubjectAccessRequestsQuery, ConsoleSubjectAccessRequestsQueryVariables>;
export const ConsoleBreakGlassReviewDocument = new TypedDocumentString(`
    query ConsoleBreakGlassReview($after: String) {
  emergencyAccessReviewsConnection(first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        reason
        detail
        openedAt
        until
        status
        outcome
        serviceUserId
        actor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleBreakGlassReviewQuery, ConsoleBreakGlassReviewQueryVariables>;
export const ConsoleCompleteBreakGlassReviewDocument = new TypedDocumentString(`
    mutation ConsoleCompleteBreakGlassReview($reviewId: ID!, $outcome: ReviewOutcome!) {
  completeEmergencyAccessReview(reviewId: $reviewId, outcome: $outcome) {
    id
    status
    outcome
  }
}
    `) as unknown as TypedDocumentString<ConsoleCompleteBreakGlassReviewMutation, ConsoleCompleteBreakGlassReviewMutationVariables>;
export const ConsoleDecideDisclosureRequestDocument = new TypedDocumentString(`
    mutation ConsoleDecideDisclosureRequest($serviceUserId: ID!, $requestId: String!, $approve: Boolean!, $reasoning: String!) {
  decideDisclosureRequest(
    serviceUserId: $serviceUserId
    requestId: $requestId
    approve: $approve
    reasoning: $reasoning
  ) {
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleDecideDisclosureRequestMutation, ConsoleDecideDisclosureRequestMutationVariables>;
export const ConsoleEscalateDisclosureRequestDocument = new TypedDocumentString(`
    mutation ConsoleEscalateDisclosureRequest($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {
  escalateDisclosureRequest(
    serviceUserId: $serviceUserId
    requestId: $requestId
    reasoning: $reasoning
  ) {
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleEscalateDisclosureRequestMutation, ConsoleEscalateDisclosureRequestMutationVariables>;
export const ConsoleAcknowledgeDisclosureWorkDocument = new TypedDocumentString(`
    mutation ConsoleAcknowledgeDisclosureWork($serviceUserId: ID!, $requestId: String!) {
  acknowledgeDisclosureWork(serviceUserId: $serviceUserId, requestId: $requestId) {
    kind
  }
}
    `) as unknown as TypedDocumentString<ConsoleAcknowledgeDisclosureWorkMutation, ConsoleAcknowledgeDisclosureWorkMutationVariables>;
export const ConsoleCompleteDisclosureReviewDocument = new TypedDocumentString(`
    mutation ConsoleCompleteDisclosureReview($reviewId: ID!, $outcome: DisclosureReviewOutcome!, $notes: String!) {
  completeDisclosureReview(reviewId: $reviewId, outcome: $outcome, notes: $notes) {
    id
    status
    outcome
  }
}
    `) as unknown as TypedDocumentString<ConsoleCompleteDisclosureReviewMutation, ConsoleCompleteDisclosureReviewMutationVariables>;
export const ConsoleAssessBreachDocument = new TypedDocumentString(`
    mutation ConsoleAssessBreach($breachId: ID!, $expectedVersion: Int!, $reportable: Boolean!, $regulatorNotifiedAt: DateTime) {
  assessBreach(
    breachId: $breachId
    expectedVersion: $expectedVersion
    reportable: $reportable
    regulatorNotifiedAt: $regulatorNotifiedAt
  ) {
    id
    reportable
    regulatorNotifiedAt
    version
  }
}
    `) as unknown as TypedDocumentString<ConsoleAssessBreachMutation, ConsoleAssessBreachMutationVariables>;
export const ConsolePersonAccessLogDocument = new TypedDocumentString(`
    query ConsolePersonAccessLog($serviceUserId: ID!, $after: String) {
  accessLog(serviceUserId: $serviceUserId, first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        at
        action
        outcome
        operation
        classifications
        purpose
        relationship
        emergency
        actor {
          displayName
          handle
          roles
          who
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePersonAccessLogQuery, ConsolePersonAccessLogQueryVariables>;
export const ConsoleDisclosureRegisterDocument = new TypedDocumentString(`
    query ConsoleDisclosureRegister($from: DateTime!) {
  disclosureReport(from: $from, first: 50) {
    edges {
      node {
        id
        at
        operation
        purpose
        classifications
        actor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleDisclosureRegisterQuery, ConsoleDisclosureRegisterQueryVariables>;
export const ConsoleStaffAccessDocument = new TypedDocumentString(`
    query ConsoleStaffAccess($staffId: ID!, $after: String, $from: DateTime, $to: DateTime) {
  staffAccessReport(
    staffId: $staffId
    first: 50
    after: $after
    from: $from
    to: $to
  ) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        at
        action
        outcome
        operation
        classifications
        purpose
        relationship
        emergency
        actor {
          displayName
          handle
          roles
          who
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleStaffAccessQuery, ConsoleStaffAccessQueryVariables>;
export const ConsoleAccessHeatMapDocument = new TypedDocumentString(`
    query ConsoleAccessHeatMap($from: DateTime, $to: DateTime, $serviceId: ID) {
  accessHeatMap(from: $from, to: $to, serviceId: $serviceId) {
    from
    to
    timeZone
    days
    staffCount
    truncated
    cells {
      staffId
      day
      reads
      offCaseload
      outOfHours
      denied
      actor {
        displayName
        handle
        roles
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAccessHeatMapQuery, ConsoleAccessHeatMapQueryVariables>;
export const ConsoleSubjectAccessRegisterDocument = new TypedDocumentString(`
    query ConsoleSubjectAccessRegister($after: String) {
  subjectAccessRequestsConnection(first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        serviceUserId
        receivedOn
        deadline
        status
        overdue
        openedByPerson
        identityCheck
        recordedBy
        recordedByActor {
          displayName
          handle
          roles
        }
        exportApproved
        exportApprovedBy
        exportApprovedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSubjectAccessRegisterQuery, ConsoleSubjectAccessRegisterQueryVariables>;
export const ConsoleApproveSubjectAccessExportDocument = new TypedDocumentString(`
    mutation ConsoleApproveSubjectAccessExport($requestId: ID!) {
  approveSubjectAccessExport(requestId: $requestId) {
    id
    exportApproved
    exportApprovedBy
    exportApprovedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleApproveSubjectAccessExportMutation, ConsoleApproveSubjectAccessExportMutationVariables>;
export const ConsoleSubjectAccessExportDocument = new TypedDocumentString(`
    query ConsoleSubjectAccessExport($serviceUserId: ID!) {
  subjectAccessExport(serviceUserId: $serviceUserId) {
    requestId
    deadline
    generatedAt
    document
  }
}
    `) as unknown as TypedDocumentString<ConsoleSubjectAccessExportQuery, ConsoleSubjectAccessExportQueryVariables>;
export const ConsoleCompleteSubjectAccessRequestDocument = new TypedDocumentString(`
    mutation ConsoleCompleteSubjectAccessRequest($requestId: String!) {
  completeSubjectAccessRequest(requestId: $requestId) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ConsoleCompleteSubjectAccessRequestMutation, ConsoleCompleteSubjectAccessRequestMutationVariables>;
export const ConsoleServicesDocument = new TypedDocumentString(`
    query ConsoleServices {
  servicesConnection(first: 100) {
    edges {
      node {
        id
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleServicesQuery, ConsoleServicesQueryVariables>;
export const ConsoleLegalHoldsDocument = new TypedDocumentString(`
    query ConsoleLegalHolds($after: String) {
  legalHolds(first: 50, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        serviceUserId
        reference
        placedAt
        placedByActor {
          displayName
          handle
          roles
        }
        reason
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLegalHoldsQuery, ConsoleLegalHoldsQueryVariables>;
export const ConsolePlaceLegalHoldDocument = new TypedDocumentString(`
    mutation ConsolePlaceLegalHold($serviceUserId: ID!, $reason: String!) {
  placeLegalHold(serviceUserId: $serviceUserId, reason: $reason) {
    serviceUserId
    placedAt
    placedByActor {
      displayName
      handle
      roles
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePlaceLegalHoldMutation, ConsolePlaceLegalHoldMutationVariables>;
export const ConsoleLiftLegalHoldDocument = new TypedDocumentString(`
    mutation ConsoleLiftLegalHold($serviceUserId: ID!, $reason: String!) {
  liftLegalHold(serviceUserId: $serviceUserId, reason: $reason) {
    serviceUserId
    liftedAt
    liftedByActor {
      displayName
      handle
      roles
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleLiftLegalHoldMutation, ConsoleLiftLegalHoldMutationVariables>;
export const ConsolePendingChangesDocument = new TypedDocumentString(`
    query ConsolePendingChanges {
  pendingChangesConnection(first: 50) {
    pageInfo {
      hasNextPage
    }
    edges {
      node {
        id
        operation
        rule
        proposedAt
        proposedByActor {
          displayName
          handle
          roles
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePendingChangesQuery, ConsolePendingChangesQueryVariables>;
export const ConsoleApproveChangeDocument = new TypedDocumentString(`
    mutation ConsoleApproveChange($approvalId: ID!) {
  approveChange(approvalId: $approvalId) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ConsoleApproveChangeMutation, ConsoleApproveChangeMutationVariables>;
export const ConsoleRejectChangeDocument = new TypedDocumentString(`
    mutation ConsoleRejectChange($approvalId: ID!) {
  rejectChange(approvalId: $approvalId) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<ConsoleRejectChangeMutation, ConsoleRejectChangeMutationVariables>;
export const ConsoleProposeErasureDocument = new TypedDocumentString(`
    mutation ConsoleProposeErasure($serviceUserId: ID!, $reason: String!) {
  eraseServiceUser(serviceUserId: $serviceUserId, reason: $reason) {
    serviceUserId
    erasedAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleProposeErasureMutation, ConsoleProposeErasureMutationVariables>;
export const ConsoleMonitoringSettingsDocument = new TypedDocumentString(`
    query ConsoleMonitoringSettings {
  accessMonitoringSettings {
    version
    timeZone
    workingDays
    workingHoursStart
    workingHoursEnd
    emergencyReviewDays
    manyClientsThreshold
    manyClientsWindowMinutes
    deniedAttemptsThreshold
    deniedAttemptsWindowMinutes
  }
}
    `) as unknown as TypedDocumentString<ConsoleMonitoringSettingsQuery, ConsoleMonitoringSettingsQueryVariables>;
export const ConsoleSetMonitoringSettingsDocument = new TypedDocumentString(`
    mutation ConsoleSetMonitoringSettings($expectedVersion: Int!, $input: AccessMonitoringSettingsInput!) {
  setAccessMonitoringSettings(expectedVersion: $expectedVersion, input: $input) {
    version
  }
}
    `) as unknown as TypedDocumentString<ConsoleSetMonitoringSettingsMutation, ConsoleSetMonitoringSettingsMutationVariables>;