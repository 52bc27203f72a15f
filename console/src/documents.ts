import { graphql } from './gql';

export * from './case-documents';
export * from './import-documents';
export * from './people-documents';

/** Every operation the console sends, typed by GraphQL Code Generator from schema/schema.graphql. */

export const ViewerQuery = graphql(`
  query ConsoleViewer {
    me {
      kind
      roles
      organisation { name }
      staffMember { id displayName handle }
    }
  }
`);

export const PendingBreakGlassReviewsQuery = graphql(`
  query ConsolePendingBreakGlassReviews {
    emergencyAccessReviewsConnection(status: "PENDING", first: 50) {
      pageInfo { hasNextPage }
      edges {
        node {
          id
          reason
          openedAt
          until
          serviceUserId
          actor { displayName handle roles }
        }
      }
    }
  }
`);

export const PendingDisclosureReviewsQuery = graphql(`
  query ConsolePendingDisclosureReviews($after: String) {
    disclosureReviewsConnection(status: PENDING, first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          requestId
          serviceUserId
          legalBasis
          openedAt
          clientInformed
          madeBy
          madeByActor { displayName handle roles }
          recordedBy
          recordedByActor { displayName handle roles }
        }
      }
    }
  }
`);

export const DisclosureWorkQuery = graphql(`
  query ConsoleDisclosureWork($after: String) {
    disclosureWorkQueueConnection(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          kind
          requestId
          serviceUserId
          legalBasis
          since
          ageDays
          urgent
        }
      }
    }
  }
`);

export const AccessAlertsQuery = graphql(`
  query ConsoleAccessAlerts {
    accessAlerts(first: 50) {
      pageInfo { hasNextPage }
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
          actor { displayName handle roles }
        }
      }
    }
  }
`);

export const BreachesQuery = graphql(`
  query ConsoleBreaches($after: String) {
    breachesConnection(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
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
`);

export const SubjectAccessRequestsQuery = graphql(`
  query ConsoleSubjectAccessRequests($after: String) {
    subjectAccessRequestsConnection(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
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
`);

export const GovernanceNotificationsQuery = graphql(`
  query ConsoleGovernanceNotifications {
    governanceNotifications(first: 50) {
      pageInfo { hasNextPage }
      edges {
        node {
          kind
          reference
          createdAt
        }
      }
    }
  }
`);

export const BreakGlassReviewQuery = graphql(`
  query ConsoleBreakGlassReview($reviewId: ID!) {
    emergencyAccessReview(reviewId: $reviewId) {
      id
      reason
      detail
      openedAt
      until
      status
      outcome
      reviewedAt
      reviewedByActor { displayName handle roles }
      serviceUserId
      actor { displayName handle roles }
    }
  }
`);

export const CompleteBreakGlassReviewMutation = graphql(`
  mutation ConsoleCompleteBreakGlassReview($reviewId: ID!, $outcome: ReviewOutcome!) {
    completeEmergencyAccessReview(reviewId: $reviewId, outcome: $outcome) {
      id
      status
      outcome
    }
  }
`);

export const DecideDisclosureRequestMutation = graphql(`
  mutation ConsoleDecideDisclosureRequest(
    $serviceUserId: ID!
    $requestId: String!
    $approve: Boolean!
    $reasoning: String!
  ) {
    decideDisclosureRequest(
      serviceUserId: $serviceUserId
      requestId: $requestId
      approve: $approve
      reasoning: $reasoning
    ) {
      kind
    }
  }
`);

export const EscalateDisclosureRequestMutation = graphql(`
  mutation ConsoleEscalateDisclosureRequest($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {
    escalateDisclosureRequest(serviceUserId: $serviceUserId, requestId: $requestId, reasoning: $reasoning) {
      kind
    }
  }
`);

export const AcknowledgeDisclosureWorkMutation = graphql(`
  mutation ConsoleAcknowledgeDisclosureWork($serviceUserId: ID!, $requestId: String!) {
    acknowledgeDisclosureWork(serviceUserId: $serviceUserId, requestId: $requestId) {
      kind
    }
  }
`);

export const CompleteDisclosureReviewMutation = graphql(`
  mutation ConsoleCompleteDisclosureReview(
    $reviewId: ID!
    $outcome: DisclosureReviewOutcome!
    $notes: String!
  ) {
    completeDisclosureReview(reviewId: $reviewId, outcome: $outcome, notes: $notes) {
      id
      status
      outcome
    }
  }
`);

export const PersonDisclosuresQuery = graphql(`
  query ConsolePersonDisclosures($serviceUserId: ID!, $after: String) {
    serviceUser(id: $serviceUserId) {
      id
      disclosureRegisterConnection(first: 25, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges {
          node {
            requestId
            sequence
            kind
            at
            requesterOrganisation
            receivingApp { name }
            requesterKind
            receivedOn
            urgent
            purposeCategory
            purpose
            legalBasis
            identityCheck
            reasoning
            reasonNotInformed
            recipient
            method
            snapshotDigest
            grantExpiresAt
            clientInformed
            toldOn
            items { id kind recordedAt }
          }
        }
      }
    }
  }
`);

export const PersonNotesForDisclosureQuery = graphql(`
  query ConsolePersonNotesForDisclosure($serviceUserId: ID!) {
    serviceUser(id: $serviceUserId) {
      id
      notes(first: 100) {
        pageInfo { hasNextPage }
        edges {
          node {
            id
            kind
            recordedAt
            ... on CareNote { authorOrganisation }
          }
        }
      }
    }
  }
`);

export const ServicePeopleQuery = graphql(`
  query ConsoleServicePeople($serviceId: ID!, $after: String) {
    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node { id reference }
      }
    }
  }
`);

export const ReceiveDisclosureRequestMutation = graphql(`
  mutation ConsoleReceiveDisclosureRequest($input: ReceiveDisclosureRequestInput!) {
    receiveDisclosureRequest(input: $input) { requestId kind }
  }
`);

export const SetDisclosureRequestUrgencyMutation = graphql(`
  mutation ConsoleSetDisclosureRequestUrgency($serviceUserId: ID!, $requestId: String!, $urgent: Boolean!) {
    setDisclosureRequestUrgency(serviceUserId: $serviceUserId, requestId: $requestId, urgent: $urgent) {
      requestId
      urgent
    }
  }
`);

export const ReleaseDisclosureMutation = graphql(`
  mutation ConsoleReleaseDisclosure($input: ReleaseDisclosureInput!) {
    releaseDisclosure(input: $input) { requestId kind snapshotDigest releasedText { kind recordedAt body } }
  }
`);

export const CorrectDisclosureEntryMutation = graphql(`
  mutation ConsoleCorrectDisclosureEntry($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {
    correctDisclosureEntry(serviceUserId: $serviceUserId, requestId: $requestId, reasoning: $reasoning) {
      requestId
      kind
    }
  }
`);

export const RecordDisclosureToldToPersonMutation = graphql(`
  mutation ConsoleRecordDisclosureToldToPerson($serviceUserId: ID!, $requestId: String!, $toldOn: String!, $how: String!) {
    recordDisclosureToldToPerson(serviceUserId: $serviceUserId, requestId: $requestId, toldOn: $toldOn, how: $how) {
      requestId
      kind
      toldOn
    }
  }
`);

export const RecordAuthorAuthorityMutation = graphql(`
  mutation ConsoleRecordAuthorAuthority($noteId: ID!, $reference: String!) {
    recordAuthorAuthority(noteId: $noteId, reference: $reference)
  }
`);

export const RecordExceptionalDisclosureMutation = graphql(`
  mutation ConsoleRecordExceptionalDisclosure($input: ExceptionalDisclosureInput!) {
    recordExceptionalDisclosure(input: $input) { requestId kind }
  }
`);

export const DisclosureConsentMethodsQuery = graphql(`
  query ConsoleDisclosureConsentMethods {
    disclosureConsentMethods
  }
`);

export const SetDisclosureConsentMethodsMutation = graphql(`
  mutation ConsoleSetDisclosureConsentMethods($methods: [ConsentMethod!]!) {
    setDisclosureConsentMethods(methods: $methods)
  }
`);

export const AssessBreachMutation = graphql(`
  mutation ConsoleAssessBreach(
    $breachId: ID!
    $expectedVersion: Int!
    $reportable: Boolean!
    $regulatorNotifiedAt: DateTime
  ) {
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
`);

export const PersonAccessLogQuery = graphql(`
  query ConsolePersonAccessLog($serviceUserId: ID!, $after: String) {
    accessLog(serviceUserId: $serviceUserId, first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          at
          action
          outcome
          operation
          classifications
          fields
          purpose
          relationship
          emergency
          actor { displayName handle roles who }
        }
      }
    }
  }
`);

export const DisclosureRegisterQuery = graphql(`
  query ConsoleDisclosureRegister($from: DateTime!, $after: String) {
    disclosureReport(from: $from, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          at
          operation
          purpose
          rule
          serviceUserId
          recipient
          classifications
          actor { displayName handle roles }
        }
      }
    }
  }
`);

export const StaffAccessQuery = graphql(`
  query ConsoleStaffAccess($staffId: ID!, $after: String, $from: DateTime, $to: DateTime) {
    staffAccessReport(staffId: $staffId, first: 50, after: $after, from: $from, to: $to) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          at
          action
          outcome
          operation
          classifications
          fields
          purpose
          relationship
          emergency
          actor { displayName handle roles who }
        }
      }
    }
  }
`);

export const AccessHeatMapQuery = graphql(`
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
        actor { displayName handle roles }
      }
    }
  }
`);

export const SubjectAccessRegisterQuery = graphql(`
  query ConsoleSubjectAccessRegister($after: String) {
    subjectAccessRequestsConnection(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
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
          recordedByActor { displayName handle roles }
          exportApproved
          exportApprovedBy
          exportApprovedAt
        }
      }
    }
  }
`);

export const ApproveSubjectAccessExportMutation = graphql(`
  mutation ConsoleApproveSubjectAccessExport($requestId: ID!) {
    approveSubjectAccessExport(requestId: $requestId) {
      id
      exportApproved
      exportApprovedBy
      exportApprovedAt
    }
  }
`);

export const SubjectAccessExportQuery = graphql(`
  query ConsoleSubjectAccessExport($serviceUserId: ID!) {
    subjectAccessExport(serviceUserId: $serviceUserId) {
      requestId
      deadline
      generatedAt
      document
    }
  }
`);

export const CompleteSubjectAccessRequestMutation = graphql(`
  mutation ConsoleCompleteSubjectAccessRequest($requestId: String!) {
    completeSubjectAccessRequest(requestId: $requestId) {
      id
      status
    }
  }
`);

export const ServicesQuery = graphql(`
  query ConsoleServices($after: String) {
    servicesConnection(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node { id name }
      }
    }
  }
`);

export const LegalHoldsQuery = graphql(`
  query ConsoleLegalHolds($after: String) {
    legalHolds(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          serviceUserId
          reference
          placedAt
          placedByActor { displayName handle roles }
          reason
        }
      }
    }
  }
`);

/** Whether a legal hold keeps a person's records: their screen says so instead of offering a second one. */
export const PersonLegalHoldQuery = graphql(`
  query ConsolePersonLegalHold($serviceUserId: ID!) {
    serviceUser(id: $serviceUserId) {
      id
      retention { legalHold }
    }
  }
`);

export const PlaceLegalHoldMutation = graphql(`
  mutation ConsolePlaceLegalHold($serviceUserId: ID!, $reason: String!) {
    placeLegalHold(serviceUserId: $serviceUserId, reason: $reason) {
      serviceUserId
      placedAt
      placedByActor { displayName handle roles }
    }
  }
`);

export const LiftLegalHoldMutation = graphql(`
  mutation ConsoleLiftLegalHold($serviceUserId: ID!, $reason: String!) {
    liftLegalHold(serviceUserId: $serviceUserId, reason: $reason) {
      serviceUserId
      liftedAt
      liftedByActor { displayName handle roles }
    }
  }
`);

export const PendingChangesQuery = graphql(`
  query ConsolePendingChanges {
    pendingChangesConnection(first: 50) {
      pageInfo { hasNextPage }
      edges {
        node {
          id
          operation
          rule
          proposedAt
          proposedByActor { displayName handle roles }
          subjectKind
          subjectId
        }
      }
    }
  }
`);

/**
 * The changes the caller may decide, with why each was proposed: for the screen that decides them. Reading a reason is
 * recorded against the change's person (decision 0149), so Today's queue, which only counts, reads none.
 */
export const PendingChangesToDecideQuery = graphql(`
  query ConsolePendingChangesToDecide {
    pendingChangesConnection(first: 50) {
      pageInfo { hasNextPage }
      edges {
        node {
          id
          operation
          rule
          proposedAt
          proposedByActor { displayName handle roles }
          subjectKind
          subjectId
          reason
        }
      }
    }
  }
`);

export const ApproveChangeMutation = graphql(`
  mutation ConsoleApproveChange($approvalId: ID!) {
    approveChange(approvalId: $approvalId) { id status }
  }
`);

export const RejectChangeMutation = graphql(`
  mutation ConsoleRejectChange($approvalId: ID!) {
    rejectChange(approvalId: $approvalId) { id status }
  }
`);

export const ProposeErasureMutation = graphql(`
  mutation ConsoleProposeErasure($serviceUserId: ID!, $reason: String!) {
    eraseServiceUser(serviceUserId: $serviceUserId, reason: $reason) { serviceUserId erasedAt }
  }
`);

export const MonitoringSettingsQuery = graphql(`
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
`);

export const SetMonitoringSettingsMutation = graphql(`
  mutation ConsoleSetMonitoringSettings($expectedVersion: Int!, $input: AccessMonitoringSettingsInput!) {
    setAccessMonitoringSettings(expectedVersion: $expectedVersion, input: $input) { version }
  }
`);
