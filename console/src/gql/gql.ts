/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsolePersonCase($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      caseStatus\n      closedAt\n      version\n      service {\n        id\n        name\n        membersConnection(first: 100) {\n          edges {\n            node { id displayName handle roles }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsolePersonCaseDocument,
    "\n  mutation ConsoleCloseCase($input: CloseCaseInput!) {\n    closeCase(input: $input) { id caseStatus closedAt version }\n  }\n": typeof types.ConsoleCloseCaseDocument,
    "\n  mutation ConsoleReopenCase($input: ReopenCaseInput!) {\n    reopenCase(input: $input) { id caseStatus closedAt version }\n  }\n": typeof types.ConsoleReopenCaseDocument,
    "\n  mutation ConsoleOpenInvestigation($serviceUserIds: [ID!]!, $investigatorId: ID!) {\n    openSafeguardingInvestigation(serviceUserIds: $serviceUserIds, investigatorId: $investigatorId)\n  }\n": typeof types.ConsoleOpenInvestigationDocument,
    "\n  mutation ConsoleCloseInvestigation($serviceUserIds: [ID!]!, $investigationId: ID!) {\n    closeSafeguardingInvestigation(serviceUserIds: $serviceUserIds, investigationId: $investigationId)\n  }\n": typeof types.ConsoleCloseInvestigationDocument,
    "\n  mutation ConsoleDeclareConflict($serviceUserId: ID!, $staffId: ID!, $connection: ConflictConnection!) {\n    declareConflict(serviceUserId: $serviceUserId, staffId: $staffId, connection: $connection)\n  }\n": typeof types.ConsoleDeclareConflictDocument,
    "\n  mutation ConsoleClearConflict($serviceUserId: ID!, $staffId: ID!) {\n    clearConflict(serviceUserId: $serviceUserId, staffId: $staffId)\n  }\n": typeof types.ConsoleClearConflictDocument,
    "\n  query ConsoleManagedServices($after: String) {\n    servicesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          name\n          managers { id }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleManagedServicesDocument,
    "\n  query ConsoleServiceTeam($serviceId: ID!) {\n    node(id: $serviceId) {\n      ... on Service {\n        id\n        name\n        managers { id }\n        membersConnection(first: 100) {\n          edges {\n            node { id displayName handle roles }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleServiceTeamDocument,
    "\n  mutation ConsoleAssignQaReview($serviceId: ID!, $staffId: ID!, $from: DateTime!, $to: DateTime!) {\n    assignQaReview(serviceId: $serviceId, staffId: $staffId, from: $from, to: $to) { id name }\n  }\n": typeof types.ConsoleAssignQaReviewDocument,
    "\n  mutation ConsoleReportBreach($input: ReportBreachInput!) {\n    reportBreach(input: $input) { id discoveredAt regulatorDeadline }\n  }\n": typeof types.ConsoleReportBreachDocument,
    "\n  mutation ConsoleRequestSubjectAccess(\n    $serviceUserId: ID!\n    $receivedOn: String!\n    $identityCheck: SubjectAccessIdentityCheck\n  ) {\n    requestSubjectAccess(serviceUserId: $serviceUserId, receivedOn: $receivedOn, identityCheck: $identityCheck) {\n      id\n      deadline\n    }\n  }\n": typeof types.ConsoleRequestSubjectAccessDocument,
    "\n  query ConsoleAccessHeatMapByService($from: DateTime, $to: DateTime) {\n    accessHeatMap(from: $from, to: $to, rows: SERVICE) {\n      from\n      to\n      timeZone\n      days\n      truncated\n      serviceCells {\n        serviceId\n        serviceName\n        day\n        reads\n        offCaseload\n        outOfHours\n        denied\n      }\n    }\n  }\n": typeof types.ConsoleAccessHeatMapByServiceDocument,
    "\n  query ConsoleViewer {\n    me {\n      kind\n      roles\n      organisation { name }\n      staffMember { id displayName handle }\n    }\n  }\n": typeof types.ConsoleViewerDocument,
    "\n  query ConsolePendingBreakGlassReviews {\n    emergencyAccessReviewsConnection(status: \"PENDING\", first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          reason\n          openedAt\n          until\n          serviceUserId\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n": typeof types.ConsolePendingBreakGlassReviewsDocument,
    "\n  query ConsolePendingDisclosureReviews($after: String) {\n    disclosureReviewsConnection(status: PENDING, first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          requestId\n          serviceUserId\n          legalBasis\n          openedAt\n          clientInformed\n          madeBy\n          madeByActor { displayName handle roles }\n          recordedBy\n          recordedByActor { displayName handle roles }\n        }\n      }\n    }\n  }\n": typeof types.ConsolePendingDisclosureReviewsDocument,
    "\n  query ConsoleDisclosureWork($after: String) {\n    disclosureWorkQueueConnection(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          kind\n          requestId\n          serviceUserId\n          legalBasis\n          since\n          ageDays\n          urgent\n        }\n      }\n    }\n  }\n": typeof types.ConsoleDisclosureWorkDocument,
    "\n  query ConsoleAccessAlerts {\n    accessAlerts(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          rule\n          description\n          count\n          from\n          to\n          reviewId\n          staffId\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleAccessAlertsDocument,
    "\n  query ConsoleBreaches($after: String) {\n    breachesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          nature\n          source\n          categories\n          approximateSubjects\n          discoveredAt\n          regulatorDeadline\n          regulatorNotifiedAt\n          reportable\n          containment\n          overdue\n          version\n        }\n      }\n    }\n  }\n": typeof types.ConsoleBreachesDocument,
    "\n  query ConsoleSubjectAccessRequests($after: String) {\n    subjectAccessRequestsConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          receivedOn\n          deadline\n          status\n          overdue\n          serviceUserId\n        }\n      }\n    }\n  }\n": typeof types.ConsoleSubjectAccessRequestsDocument,
    "\n  query ConsoleGovernanceNotifications {\n    governanceNotifications(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          kind\n          reference\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.ConsoleGovernanceNotificationsDocument,
    "\n  query ConsoleBreakGlassReview($reviewId: ID!) {\n    emergencyAccessReview(reviewId: $reviewId) {\n      id\n      reason\n      detail\n      openedAt\n      until\n      status\n      outcome\n      reviewedAt\n      reviewedByActor { displayName handle roles }\n      serviceUserId\n      actor { displayName handle roles }\n    }\n  }\n": typeof types.ConsoleBreakGlassReviewDocument,
    "\n  mutation ConsoleCompleteBreakGlassReview($reviewId: ID!, $outcome: ReviewOutcome!) {\n    completeEmergencyAccessReview(reviewId: $reviewId, outcome: $outcome) {\n      id\n      status\n      outcome\n    }\n  }\n": typeof types.ConsoleCompleteBreakGlassReviewDocument,
    "\n  mutation ConsoleDecideDisclosureRequest(\n    $serviceUserId: ID!\n    $requestId: String!\n    $approve: Boolean!\n    $reasoning: String!\n  ) {\n    decideDisclosureRequest(\n      serviceUserId: $serviceUserId\n      requestId: $requestId\n      approve: $approve\n      reasoning: $reasoning\n    ) {\n      kind\n    }\n  }\n": typeof types.ConsoleDecideDisclosureRequestDocument,
    "\n  mutation ConsoleEscalateDisclosureRequest($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {\n    escalateDisclosureRequest(serviceUserId: $serviceUserId, requestId: $requestId, reasoning: $reasoning) {\n      kind\n    }\n  }\n": typeof types.ConsoleEscalateDisclosureRequestDocument,
    "\n  mutation ConsoleAcknowledgeDisclosureWork($serviceUserId: ID!, $requestId: String!) {\n    acknowledgeDisclosureWork(serviceUserId: $serviceUserId, requestId: $requestId) {\n      kind\n    }\n  }\n": typeof types.ConsoleAcknowledgeDisclosureWorkDocument,
    "\n  mutation ConsoleCompleteDisclosureReview(\n    $reviewId: ID!\n    $outcome: DisclosureReviewOutcome!\n    $notes: String!\n  ) {\n    completeDisclosureReview(reviewId: $reviewId, outcome: $outcome, notes: $notes) {\n      id\n      status\n      outcome\n    }\n  }\n": typeof types.ConsoleCompleteDisclosureReviewDocument,
    "\n  query ConsolePersonDisclosures($serviceUserId: ID!, $after: String) {\n    serviceUser(id: $serviceUserId) {\n      id\n      disclosureRegisterConnection(first: 25, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges {\n          node {\n            requestId\n            sequence\n            kind\n            at\n            requesterOrganisation\n            receivingApp { name }\n            requesterKind\n            receivedOn\n            urgent\n            purposeCategory\n            purpose\n            legalBasis\n            identityCheck\n            reasoning\n            reasonNotInformed\n            recipient\n            method\n            snapshotDigest\n            grantExpiresAt\n            clientInformed\n            toldOn\n            items { id kind recordedAt }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsolePersonDisclosuresDocument,
    "\n  query ConsolePersonNotesForDisclosure($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      notes(first: 100) {\n        pageInfo { hasNextPage }\n        edges {\n          node {\n            id\n            kind\n            recordedAt\n            ... on CareNote { authorOrganisation }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsolePersonNotesForDisclosureDocument,
    "\n  query ConsoleServicePeople($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference }\n      }\n    }\n  }\n": typeof types.ConsoleServicePeopleDocument,
    "\n  mutation ConsoleReceiveDisclosureRequest($input: ReceiveDisclosureRequestInput!) {\n    receiveDisclosureRequest(input: $input) { requestId kind }\n  }\n": typeof types.ConsoleReceiveDisclosureRequestDocument,
    "\n  mutation ConsoleSetDisclosureRequestUrgency($serviceUserId: ID!, $requestId: String!, $urgent: Boolean!) {\n    setDisclosureRequestUrgency(serviceUserId: $serviceUserId, requestId: $requestId, urgent: $urgent) {\n      requestId\n      urgent\n    }\n  }\n": typeof types.ConsoleSetDisclosureRequestUrgencyDocument,
    "\n  mutation ConsoleReleaseDisclosure($input: ReleaseDisclosureInput!) {\n    releaseDisclosure(input: $input) { requestId kind snapshotDigest releasedText { kind recordedAt body } }\n  }\n": typeof types.ConsoleReleaseDisclosureDocument,
    "\n  mutation ConsoleCorrectDisclosureEntry($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {\n    correctDisclosureEntry(serviceUserId: $serviceUserId, requestId: $requestId, reasoning: $reasoning) {\n      requestId\n      kind\n    }\n  }\n": typeof types.ConsoleCorrectDisclosureEntryDocument,
    "\n  mutation ConsoleRecordDisclosureToldToPerson($serviceUserId: ID!, $requestId: String!, $toldOn: String!, $how: String!) {\n    recordDisclosureToldToPerson(serviceUserId: $serviceUserId, requestId: $requestId, toldOn: $toldOn, how: $how) {\n      requestId\n      kind\n      toldOn\n    }\n  }\n": typeof types.ConsoleRecordDisclosureToldToPersonDocument,
    "\n  mutation ConsoleRecordAuthorAuthority($noteId: ID!, $reference: String!) {\n    recordAuthorAuthority(noteId: $noteId, reference: $reference)\n  }\n": typeof types.ConsoleRecordAuthorAuthorityDocument,
    "\n  mutation ConsoleRecordExceptionalDisclosure($input: ExceptionalDisclosureInput!) {\n    recordExceptionalDisclosure(input: $input) { requestId kind }\n  }\n": typeof types.ConsoleRecordExceptionalDisclosureDocument,
    "\n  query ConsoleDisclosureConsentMethods {\n    disclosureConsentMethods\n  }\n": typeof types.ConsoleDisclosureConsentMethodsDocument,
    "\n  mutation ConsoleSetDisclosureConsentMethods($methods: [ConsentMethod!]!) {\n    setDisclosureConsentMethods(methods: $methods)\n  }\n": typeof types.ConsoleSetDisclosureConsentMethodsDocument,
    "\n  mutation ConsoleAssessBreach(\n    $breachId: ID!\n    $expectedVersion: Int!\n    $reportable: Boolean!\n    $regulatorNotifiedAt: DateTime\n  ) {\n    assessBreach(\n      breachId: $breachId\n      expectedVersion: $expectedVersion\n      reportable: $reportable\n      regulatorNotifiedAt: $regulatorNotifiedAt\n    ) {\n      id\n      reportable\n      regulatorNotifiedAt\n      version\n    }\n  }\n": typeof types.ConsoleAssessBreachDocument,
    "\n  query ConsolePersonAccessLog($serviceUserId: ID!, $after: String) {\n    accessLog(serviceUserId: $serviceUserId, first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          action\n          outcome\n          operation\n          classifications\n          fields\n          purpose\n          relationship\n          emergency\n          actor { displayName handle roles who }\n        }\n      }\n    }\n  }\n": typeof types.ConsolePersonAccessLogDocument,
    "\n  query ConsoleDisclosureRegister($from: DateTime!, $after: String) {\n    disclosureReport(from: $from, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          operation\n          purpose\n          rule\n          serviceUserId\n          recipient\n          classifications\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleDisclosureRegisterDocument,
    "\n  query ConsoleStaffAccess($staffId: ID!, $after: String, $from: DateTime, $to: DateTime) {\n    staffAccessReport(staffId: $staffId, first: 50, after: $after, from: $from, to: $to) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          action\n          outcome\n          operation\n          classifications\n          fields\n          purpose\n          relationship\n          emergency\n          actor { displayName handle roles who }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleStaffAccessDocument,
    "\n  query ConsoleAccessHeatMap($from: DateTime, $to: DateTime, $serviceId: ID) {\n    accessHeatMap(from: $from, to: $to, serviceId: $serviceId) {\n      from\n      to\n      timeZone\n      days\n      staffCount\n      truncated\n      cells {\n        staffId\n        day\n        reads\n        offCaseload\n        outOfHours\n        denied\n        actor { displayName handle roles }\n      }\n    }\n  }\n": typeof types.ConsoleAccessHeatMapDocument,
    "\n  query ConsoleSubjectAccessRegister($after: String) {\n    subjectAccessRequestsConnection(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          serviceUserId\n          receivedOn\n          deadline\n          status\n          overdue\n          openedByPerson\n          identityCheck\n          recordedBy\n          recordedByActor { displayName handle roles }\n          exportApproved\n          exportApprovedBy\n          exportApprovedAt\n        }\n      }\n    }\n  }\n": typeof types.ConsoleSubjectAccessRegisterDocument,
    "\n  mutation ConsoleApproveSubjectAccessExport($requestId: ID!) {\n    approveSubjectAccessExport(requestId: $requestId) {\n      id\n      exportApproved\n      exportApprovedBy\n      exportApprovedAt\n    }\n  }\n": typeof types.ConsoleApproveSubjectAccessExportDocument,
    "\n  query ConsoleSubjectAccessExport($serviceUserId: ID!) {\n    subjectAccessExport(serviceUserId: $serviceUserId) {\n      requestId\n      deadline\n      generatedAt\n      document\n    }\n  }\n": typeof types.ConsoleSubjectAccessExportDocument,
    "\n  mutation ConsoleCompleteSubjectAccessRequest($requestId: String!) {\n    completeSubjectAccessRequest(requestId: $requestId) {\n      id\n      status\n    }\n  }\n": typeof types.ConsoleCompleteSubjectAccessRequestDocument,
    "\n  query ConsoleServices($after: String) {\n    servicesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id name }\n      }\n    }\n  }\n": typeof types.ConsoleServicesDocument,
    "\n  query ConsoleLegalHolds($after: String) {\n    legalHolds(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          serviceUserId\n          reference\n          placedAt\n          placedByActor { displayName handle roles }\n          reason\n        }\n      }\n    }\n  }\n": typeof types.ConsoleLegalHoldsDocument,
    "\n  query ConsolePersonLegalHold($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      retention { legalHold }\n    }\n  }\n": typeof types.ConsolePersonLegalHoldDocument,
    "\n  mutation ConsolePlaceLegalHold($serviceUserId: ID!, $reason: String!) {\n    placeLegalHold(serviceUserId: $serviceUserId, reason: $reason) {\n      serviceUserId\n      placedAt\n      placedByActor { displayName handle roles }\n    }\n  }\n": typeof types.ConsolePlaceLegalHoldDocument,
    "\n  mutation ConsoleLiftLegalHold($serviceUserId: ID!, $reason: String!) {\n    liftLegalHold(serviceUserId: $serviceUserId, reason: $reason) {\n      serviceUserId\n      liftedAt\n      liftedByActor { displayName handle roles }\n    }\n  }\n": typeof types.ConsoleLiftLegalHoldDocument,
    "\n  query ConsolePendingChanges {\n    pendingChangesConnection(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          operation\n          rule\n          proposedAt\n          proposedByActor { displayName handle roles }\n          subjectKind\n          subjectId\n        }\n      }\n    }\n  }\n": typeof types.ConsolePendingChangesDocument,
    "\n  query ConsolePendingChangesToDecide {\n    pendingChangesConnection(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          operation\n          rule\n          proposedAt\n          proposedByActor { displayName handle roles }\n          subjectKind\n          subjectId\n          reason\n        }\n      }\n    }\n  }\n": typeof types.ConsolePendingChangesToDecideDocument,
    "\n  mutation ConsoleApproveChange($approvalId: ID!) {\n    approveChange(approvalId: $approvalId) { id status }\n  }\n": typeof types.ConsoleApproveChangeDocument,
    "\n  mutation ConsoleRejectChange($approvalId: ID!) {\n    rejectChange(approvalId: $approvalId) { id status }\n  }\n": typeof types.ConsoleRejectChangeDocument,
    "\n  mutation ConsoleProposeErasure($serviceUserId: ID!, $reason: String!) {\n    eraseServiceUser(serviceUserId: $serviceUserId, reason: $reason) { serviceUserId erasedAt }\n  }\n": typeof types.ConsoleProposeErasureDocument,
    "\n  query ConsoleMonitoringSettings {\n    accessMonitoringSettings {\n      version\n      timeZone\n      workingDays\n      workingHoursStart\n      workingHoursEnd\n      emergencyReviewDays\n      manyClientsThreshold\n      manyClientsWindowMinutes\n      deniedAttemptsThreshold\n      deniedAttemptsWindowMinutes\n    }\n  }\n": typeof types.ConsoleMonitoringSettingsDocument,
    "\n  mutation ConsoleSetMonitoringSettings($expectedVersion: Int!, $input: AccessMonitoringSettingsInput!) {\n    setAccessMonitoringSettings(expectedVersion: $expectedVersion, input: $input) { version }\n  }\n": typeof types.ConsoleSetMonitoringSettingsDocument,
    "\n  mutation ConsoleAuthoriseImport($input: AuthoriseImportInput!) {\n    authoriseImport(input: $input) { id serviceId grantedAt expiresAt withdrawnAt }\n  }\n": typeof types.ConsoleAuthoriseImportDocument,
    "\n  mutation ConsoleWithdrawImportAuthorisation($input: WithdrawImportAuthorisationInput!) {\n    withdrawImportAuthorisation(input: $input) { id serviceId expiresAt withdrawnAt }\n  }\n": typeof types.ConsoleWithdrawImportAuthorisationDocument,
    "\n  query ConsoleImportAuthorisations($serviceId: ID!, $after: String) {\n    importAuthorisations(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges { node { id serviceId grantedBy grantedAt expiresAt withdrawnAt } }\n    }\n    service: node(id: $serviceId) {\n      ... on Service { id managers { id displayName } }\n    }\n  }\n": typeof types.ConsoleImportAuthorisationsDocument,
    "\n  query ConsoleManagedServicePeople($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference name caseStatus }\n      }\n    }\n  }\n": typeof types.ConsoleManagedServicePeopleDocument,
    "\n  query ConsoleServicePeopleByReference($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference caseStatus }\n      }\n    }\n  }\n": typeof types.ConsoleServicePeopleByReferenceDocument,
};
const documents: Documents = {
    "\n  query ConsolePersonCase($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      caseStatus\n      closedAt\n      version\n      service {\n        id\n        name\n        membersConnection(first: 100) {\n          edges {\n            node { id displayName handle roles }\n          }\n        }\n      }\n    }\n  }\n": types.ConsolePersonCaseDocument,
    "\n  mutation ConsoleCloseCase($input: CloseCaseInput!) {\n    closeCase(input: $input) { id caseStatus closedAt version }\n  }\n": types.ConsoleCloseCaseDocument,
    "\n  mutation ConsoleReopenCase($input: ReopenCaseInput!) {\n    reopenCase(input: $input) { id caseStatus closedAt version }\n  }\n": types.ConsoleReopenCaseDocument,
    "\n  mutation ConsoleOpenInvestigation($serviceUserIds: [ID!]!, $investigatorId: ID!) {\n    openSafeguardingInvestigation(serviceUserIds: $serviceUserIds, investigatorId: $investigatorId)\n  }\n": types.ConsoleOpenInvestigationDocument,
    "\n  mutation ConsoleCloseInvestigation($serviceUserIds: [ID!]!, $investigationId: ID!) {\n    closeSafeguardingInvestigation(serviceUserIds: $serviceUserIds, investigationId: $investigationId)\n  }\n": types.ConsoleCloseInvestigationDocument,
    "\n  mutation ConsoleDeclareConflict($serviceUserId: ID!, $staffId: ID!, $connection: ConflictConnection!) {\n    declareConflict(serviceUserId: $serviceUserId, staffId: $staffId, connection: $connection)\n  }\n": types.ConsoleDeclareConflictDocument,
    "\n  mutation ConsoleClearConflict($serviceUserId: ID!, $staffId: ID!) {\n    clearConflict(serviceUserId: $serviceUserId, staffId: $staffId)\n  }\n": types.ConsoleClearConflictDocument,
    "\n  query ConsoleManagedServices($after: String) {\n    servicesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          name\n          managers { id }\n        }\n      }\n    }\n  }\n": types.ConsoleManagedServicesDocument,
    "\n  query ConsoleServiceTeam($serviceId: ID!) {\n    node(id: $serviceId) {\n      ... on Service {\n        id\n        name\n        managers { id }\n        membersConnection(first: 100) {\n          edges {\n            node { id displayName handle roles }\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleServiceTeamDocument,
    "\n  mutation ConsoleAssignQaReview($serviceId: ID!, $staffId: ID!, $from: DateTime!, $to: DateTime!) {\n    assignQaReview(serviceId: $serviceId, staffId: $staffId, from: $from, to: $to) { id name }\n  }\n": types.ConsoleAssignQaReviewDocument,
    "\n  mutation ConsoleReportBreach($input: ReportBreachInput!) {\n    reportBreach(input: $input) { id discoveredAt regulatorDeadline }\n  }\n": types.ConsoleReportBreachDocument,
    "\n  mutation ConsoleRequestSubjectAccess(\n    $serviceUserId: ID!\n    $receivedOn: String!\n    $identityCheck: SubjectAccessIdentityCheck\n  ) {\n    requestSubjectAccess(serviceUserId: $serviceUserId, receivedOn: $receivedOn, identityCheck: $identityCheck) {\n      id\n      deadline\n    }\n  }\n": types.ConsoleRequestSubjectAccessDocument,
    "\n  query ConsoleAccessHeatMapByService($from: DateTime, $to: DateTime) {\n    accessHeatMap(from: $from, to: $to, rows: SERVICE) {\n      from\n      to\n      timeZone\n      days\n      truncated\n      serviceCells {\n        serviceId\n        serviceName\n        day\n        reads\n        offCaseload\n        outOfHours\n        denied\n      }\n    }\n  }\n": types.ConsoleAccessHeatMapByServiceDocument,
    "\n  query ConsoleViewer {\n    me {\n      kind\n      roles\n      organisation { name }\n      staffMember { id displayName handle }\n    }\n  }\n": types.ConsoleViewerDocument,
    "\n  query ConsolePendingBreakGlassReviews {\n    emergencyAccessReviewsConnection(status: \"PENDING\", first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          reason\n          openedAt\n          until\n          serviceUserId\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n": types.ConsolePendingBreakGlassReviewsDocument,
    "\n  query ConsolePendingDisclosureReviews($after: String) {\n    disclosureReviewsConnection(status: PENDING, first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          requestId\n          serviceUserId\n          legalBasis\n          openedAt\n          clientInformed\n          madeBy\n          madeByActor { displayName handle roles }\n          recordedBy\n          recordedByActor { displayName handle roles }\n        }\n      }\n    }\n  }\n": types.ConsolePendingDisclosureReviewsDocument,
    "\n  query ConsoleDisclosureWork($after: String) {\n    disclosureWorkQueueConnection(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          kind\n          requestId\n          serviceUserId\n          legalBasis\n          since\n          ageDays\n          urgent\n        }\n      }\n    }\n  }\n": types.ConsoleDisclosureWorkDocument,
    "\n  query ConsoleAccessAlerts {\n    accessAlerts(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          rule\n          description\n          count\n          from\n          to\n          reviewId\n          staffId\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n": types.ConsoleAccessAlertsDocument,
    "\n  query ConsoleBreaches($after: String) {\n    breachesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          nature\n          source\n          categories\n          approximateSubjects\n          discoveredAt\n          regulatorDeadline\n          regulatorNotifiedAt\n          reportable\n          containment\n          overdue\n          version\n        }\n      }\n    }\n  }\n": types.ConsoleBreachesDocument,
    "\n  query ConsoleSubjectAccessRequests($after: String) {\n    subjectAccessRequestsConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          receivedOn\n          deadline\n          status\n          overdue\n          serviceUserId\n        }\n      }\n    }\n  }\n": types.ConsoleSubjectAccessRequestsDocument,
    "\n  query ConsoleGovernanceNotifications {\n    governanceNotifications(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          kind\n          reference\n          createdAt\n        }\n      }\n    }\n  }\n": types.ConsoleGovernanceNotificationsDocument,
    "\n  query ConsoleBreakGlassReview($reviewId: ID!) {\n    emergencyAccessReview(reviewId: $reviewId) {\n      id\n      reason\n      detail\n      openedAt\n      until\n      status\n      outcome\n      reviewedAt\n      reviewedByActor { displayName handle roles }\n      serviceUserId\n      actor { displayName handle roles }\n    }\n  }\n": types.ConsoleBreakGlassReviewDocument,
    "\n  mutation ConsoleCompleteBreakGlassReview($reviewId: ID!, $outcome: ReviewOutcome!) {\n    completeEmergencyAccessReview(reviewId: $reviewId, outcome: $outcome) {\n      id\n      status\n      outcome\n    }\n  }\n": types.ConsoleCompleteBreakGlassReviewDocument,
    "\n  mutation ConsoleDecideDisclosureRequest(\n    $serviceUserId: ID!\n    $requestId: String!\n    $approve: Boolean!\n    $reasoning: String!\n  ) {\n    decideDisclosureRequest(\n      serviceUserId: $serviceUserId\n      requestId: $requestId\n      approve: $approve\n      reasoning: $reasoning\n    ) {\n      kind\n    }\n  }\n": types.ConsoleDecideDisclosureRequestDocument,
    "\n  mutation ConsoleEscalateDisclosureRequest($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {\n    escalateDisclosureRequest(serviceUserId: $serviceUserId, requestId: $requestId, reasoning: $reasoning) {\n      kind\n    }\n  }\n": types.ConsoleEscalateDisclosureRequestDocument,
    "\n  mutation ConsoleAcknowledgeDisclosureWork($serviceUserId: ID!, $requestId: String!) {\n    acknowledgeDisclosureWork(serviceUserId: $serviceUserId, requestId: $requestId) {\n      kind\n    }\n  }\n": types.ConsoleAcknowledgeDisclosureWorkDocument,
    "\n  mutation ConsoleCompleteDisclosureReview(\n    $reviewId: ID!\n    $outcome: DisclosureReviewOutcome!\n    $notes: String!\n  ) {\n    completeDisclosureReview(reviewId: $reviewId, outcome: $outcome, notes: $notes) {\n      id\n      status\n      outcome\n    }\n  }\n": types.ConsoleCompleteDisclosureReviewDocument,
    "\n  query ConsolePersonDisclosures($serviceUserId: ID!, $after: String) {\n    serviceUser(id: $serviceUserId) {\n      id\n      disclosureRegisterConnection(first: 25, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges {\n          node {\n            requestId\n            sequence\n            kind\n            at\n            requesterOrganisation\n            receivingApp { name }\n            requesterKind\n            receivedOn\n            urgent\n            purposeCategory\n            purpose\n            legalBasis\n            identityCheck\n            reasoning\n            reasonNotInformed\n            recipient\n            method\n            snapshotDigest\n            grantExpiresAt\n            clientInformed\n            toldOn\n            items { id kind recordedAt }\n          }\n        }\n      }\n    }\n  }\n": types.ConsolePersonDisclosuresDocument,
    "\n  query ConsolePersonNotesForDisclosure($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      notes(first: 100) {\n        pageInfo { hasNextPage }\n        edges {\n          node {\n            id\n            kind\n            recordedAt\n            ... on CareNote { authorOrganisation }\n          }\n        }\n      }\n    }\n  }\n": types.ConsolePersonNotesForDisclosureDocument,
    "\n  query ConsoleServicePeople($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference }\n      }\n    }\n  }\n": types.ConsoleServicePeopleDocument,
    "\n  mutation ConsoleReceiveDisclosureRequest($input: ReceiveDisclosureRequestInput!) {\n    receiveDisclosureRequest(input: $input) { requestId kind }\n  }\n": types.ConsoleReceiveDisclosureRequestDocument,
    "\n  mutation ConsoleSetDisclosureRequestUrgency($serviceUserId: ID!, $requestId: String!, $urgent: Boolean!) {\n    setDisclosureRequestUrgency(serviceUserId: $serviceUserId, requestId: $requestId, urgent: $urgent) {\n      requestId\n      urgent\n    }\n  }\n": types.ConsoleSetDisclosureRequestUrgencyDocument,
    "\n  mutation ConsoleReleaseDisclosure($input: ReleaseDisclosureInput!) {\n    releaseDisclosure(input: $input) { requestId kind snapshotDigest releasedText { kind recordedAt body } }\n  }\n": types.ConsoleReleaseDisclosureDocument,
    "\n  mutation ConsoleCorrectDisclosureEntry($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {\n    correctDisclosureEntry(serviceUserId: $serviceUserId, requestId: $requestId, reasoning: $reasoning) {\n      requestId\n      kind\n    }\n  }\n": types.ConsoleCorrectDisclosureEntryDocument,
    "\n  mutation ConsoleRecordDisclosureToldToPerson($serviceUserId: ID!, $requestId: String!, $toldOn: String!, $how: String!) {\n    recordDisclosureToldToPerson(serviceUserId: $serviceUserId, requestId: $requestId, toldOn: $toldOn, how: $how) {\n      requestId\n      kind\n      toldOn\n    }\n  }\n": types.ConsoleRecordDisclosureToldToPersonDocument,
    "\n  mutation ConsoleRecordAuthorAuthority($noteId: ID!, $reference: String!) {\n    recordAuthorAuthority(noteId: $noteId, reference: $reference)\n  }\n": types.ConsoleRecordAuthorAuthorityDocument,
    "\n  mutation ConsoleRecordExceptionalDisclosure($input: ExceptionalDisclosureInput!) {\n    recordExceptionalDisclosure(input: $input) { requestId kind }\n  }\n": types.ConsoleRecordExceptionalDisclosureDocument,
    "\n  query ConsoleDisclosureConsentMethods {\n    disclosureConsentMethods\n  }\n": types.ConsoleDisclosureConsentMethodsDocument,
    "\n  mutation ConsoleSetDisclosureConsentMethods($methods: [ConsentMethod!]!) {\n    setDisclosureConsentMethods(methods: $methods)\n  }\n": types.ConsoleSetDisclosureConsentMethodsDocument,
    "\n  mutation ConsoleAssessBreach(\n    $breachId: ID!\n    $expectedVersion: Int!\n    $reportable: Boolean!\n    $regulatorNotifiedAt: DateTime\n  ) {\n    assessBreach(\n      breachId: $breachId\n      expectedVersion: $expectedVersion\n      reportable: $reportable\n      regulatorNotifiedAt: $regulatorNotifiedAt\n    ) {\n      id\n      reportable\n      regulatorNotifiedAt\n      version\n    }\n  }\n": types.ConsoleAssessBreachDocument,
    "\n  query ConsolePersonAccessLog($serviceUserId: ID!, $after: String) {\n    accessLog(serviceUserId: $serviceUserId, first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          action\n          outcome\n          operation\n          classifications\n          fields\n          purpose\n          relationship\n          emergency\n          actor { displayName handle roles who }\n        }\n      }\n    }\n  }\n": types.ConsolePersonAccessLogDocument,
    "\n  query ConsoleDisclosureRegister($from: DateTime!, $after: String) {\n    disclosureReport(from: $from, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          operation\n          purpose\n          rule\n          serviceUserId\n          recipient\n          classifications\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n": types.ConsoleDisclosureRegisterDocument,
    "\n  query ConsoleStaffAccess($staffId: ID!, $after: String, $from: DateTime, $to: DateTime) {\n    staffAccessReport(staffId: $staffId, first: 50, after: $after, from: $from, to: $to) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          action\n          outcome\n          operation\n          classifications\n          fields\n          purpose\n          relationship\n          emergency\n          actor { displayName handle roles who }\n        }\n      }\n    }\n  }\n": types.ConsoleStaffAccessDocument,
    "\n  query ConsoleAccessHeatMap($from: DateTime, $to: DateTime, $serviceId: ID) {\n    accessHeatMap(from: $from, to: $to, serviceId: $serviceId) {\n      from\n      to\n      timeZone\n      days\n      staffCount\n      truncated\n      cells {\n        staffId\n        day\n        reads\n        offCaseload\n        outOfHours\n        denied\n        actor { displayName handle roles }\n      }\n    }\n  }\n": types.ConsoleAccessHeatMapDocument,
    "\n  query ConsoleSubjectAccessRegister($after: String) {\n    subjectAccessRequestsConnection(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          serviceUserId\n          receivedOn\n          deadline\n          status\n          overdue\n          openedByPerson\n          identityCheck\n          recordedBy\n          recordedByActor { displayName handle roles }\n          exportApproved\n          exportApprovedBy\n          exportApprovedAt\n        }\n      }\n    }\n  }\n": types.ConsoleSubjectAccessRegisterDocument,
    "\n  mutation ConsoleApproveSubjectAccessExport($requestId: ID!) {\n    approveSubjectAccessExport(requestId: $requestId) {\n      id\n      exportApproved\n      exportApprovedBy\n      exportApprovedAt\n    }\n  }\n": types.ConsoleApproveSubjectAccessExportDocument,
    "\n  query ConsoleSubjectAccessExport($serviceUserId: ID!) {\n    subjectAccessExport(serviceUserId: $serviceUserId) {\n      requestId\n      deadline\n      generatedAt\n      document\n    }\n  }\n": types.ConsoleSubjectAccessExportDocument,
    "\n  mutation ConsoleCompleteSubjectAccessRequest($requestId: String!) {\n    completeSubjectAccessRequest(requestId: $requestId) {\n      id\n      status\n    }\n  }\n": types.ConsoleCompleteSubjectAccessRequestDocument,
    "\n  query ConsoleServices($after: String) {\n    servicesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id name }\n      }\n    }\n  }\n": types.ConsoleServicesDocument,
    "\n  query ConsoleLegalHolds($after: String) {\n    legalHolds(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          serviceUserId\n          reference\n          placedAt\n          placedByActor { displayName handle roles }\n          reason\n        }\n      }\n    }\n  }\n": types.ConsoleLegalHoldsDocument,
    "\n  query ConsolePersonLegalHold($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      retention { legalHold }\n    }\n  }\n": types.ConsolePersonLegalHoldDocument,
    "\n  mutation ConsolePlaceLegalHold($serviceUserId: ID!, $reason: String!) {\n    placeLegalHold(serviceUserId: $serviceUserId, reason: $reason) {\n      serviceUserId\n      placedAt\n      placedByActor { displayName handle roles }\n    }\n  }\n": types.ConsolePlaceLegalHoldDocument,
    "\n  mutation ConsoleLiftLegalHold($serviceUserId: ID!, $reason: String!) {\n    liftLegalHold(serviceUserId: $serviceUserId, reason: $reason) {\n      serviceUserId\n      liftedAt\n      liftedByActor { displayName handle roles }\n    }\n  }\n": types.ConsoleLiftLegalHoldDocument,
    "\n  query ConsolePendingChanges {\n    pendingChangesConnection(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          operation\n          rule\n          proposedAt\n          proposedByActor { displayName handle roles }\n          subjectKind\n          subjectId\n        }\n      }\n    }\n  }\n": types.ConsolePendingChangesDocument,
    "\n  query ConsolePendingChangesToDecide {\n    pendingChangesConnection(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          operation\n          rule\n          proposedAt\n          proposedByActor { displayName handle roles }\n          subjectKind\n          subjectId\n          reason\n        }\n      }\n    }\n  }\n": types.ConsolePendingChangesToDecideDocument,
    "\n  mutation ConsoleApproveChange($approvalId: ID!) {\n    approveChange(approvalId: $approvalId) { id status }\n  }\n": types.ConsoleApproveChangeDocument,
    "\n  mutation ConsoleRejectChange($approvalId: ID!) {\n    rejectChange(approvalId: $approvalId) { id status }\n  }\n": types.ConsoleRejectChangeDocument,
    "\n  mutation ConsoleProposeErasure($serviceUserId: ID!, $reason: String!) {\n    eraseServiceUser(serviceUserId: $serviceUserId, reason: $reason) { serviceUserId erasedAt }\n  }\n": types.ConsoleProposeErasureDocument,
    "\n  query ConsoleMonitoringSettings {\n    accessMonitoringSettings {\n      version\n      timeZone\n      workingDays\n      workingHoursStart\n      workingHoursEnd\n      emergencyReviewDays\n      manyClientsThreshold\n      manyClientsWindowMinutes\n      deniedAttemptsThreshold\n      deniedAttemptsWindowMinutes\n    }\n  }\n": types.ConsoleMonitoringSettingsDocument,
    "\n  mutation ConsoleSetMonitoringSettings($expectedVersion: Int!, $input: AccessMonitoringSettingsInput!) {\n    setAccessMonitoringSettings(expectedVersion: $expectedVersion, input: $input) { version }\n  }\n": types.ConsoleSetMonitoringSettingsDocument,
    "\n  mutation ConsoleAuthoriseImport($input: AuthoriseImportInput!) {\n    authoriseImport(input: $input) { id serviceId grantedAt expiresAt withdrawnAt }\n  }\n": types.ConsoleAuthoriseImportDocument,
    "\n  mutation ConsoleWithdrawImportAuthorisation($input: WithdrawImportAuthorisationInput!) {\n    withdrawImportAuthorisation(input: $input) { id serviceId expiresAt withdrawnAt }\n  }\n": types.ConsoleWithdrawImportAuthorisationDocument,
    "\n  query ConsoleImportAuthorisations($serviceId: ID!, $after: String) {\n    importAuthorisations(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges { node { id serviceId grantedBy grantedAt expiresAt withdrawnAt } }\n    }\n    service: node(id: $serviceId) {\n      ... on Service { id managers { id displayName } }\n    }\n  }\n": types.ConsoleImportAuthorisationsDocument,
    "\n  query ConsoleManagedServicePeople($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference name caseStatus }\n      }\n    }\n  }\n": types.ConsoleManagedServicePeopleDocument,
    "\n  query ConsoleServicePeopleByReference($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference caseStatus }\n      }\n    }\n  }\n": types.ConsoleServicePeopleByReferenceDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePersonCase($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      caseStatus\n      closedAt\n      version\n      service {\n        id\n        name\n        membersConnection(first: 100) {\n          edges {\n            node { id displayName handle roles }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePersonCaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCloseCase($input: CloseCaseInput!) {\n    closeCase(input: $input) { id caseStatus closedAt version }\n  }\n"): typeof import('./graphql').ConsoleCloseCaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReopenCase($input: ReopenCaseInput!) {\n    reopenCase(input: $input) { id caseStatus closedAt version }\n  }\n"): typeof import('./graphql').ConsoleReopenCaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleOpenInvestigation($serviceUserIds: [ID!]!, $investigatorId: ID!) {\n    openSafeguardingInvestigation(serviceUserIds: $serviceUserIds, investigatorId: $investigatorId)\n  }\n"): typeof import('./graphql').ConsoleOpenInvestigationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCloseInvestigation($serviceUserIds: [ID!]!, $investigationId: ID!) {\n    closeSafeguardingInvestigation(serviceUserIds: $serviceUserIds, investigationId: $investigationId)\n  }\n"): typeof import('./graphql').ConsoleCloseInvestigationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDeclareConflict($serviceUserId: ID!, $staffId: ID!, $connection: ConflictConnection!) {\n    declareConflict(serviceUserId: $serviceUserId, staffId: $staffId, connection: $connection)\n  }\n"): typeof import('./graphql').ConsoleDeclareConflictDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleClearConflict($serviceUserId: ID!, $staffId: ID!) {\n    clearConflict(serviceUserId: $serviceUserId, staffId: $staffId)\n  }\n"): typeof import('./graphql').ConsoleClearConflictDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleManagedServices($after: String) {\n    servicesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          name\n          managers { id }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleManagedServicesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleServiceTeam($serviceId: ID!) {\n    node(id: $serviceId) {\n      ... on Service {\n        id\n        name\n        managers { id }\n        membersConnection(first: 100) {\n          edges {\n            node { id displayName handle roles }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleServiceTeamDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleAssignQaReview($serviceId: ID!, $staffId: ID!, $from: DateTime!, $to: DateTime!) {\n    assignQaReview(serviceId: $serviceId, staffId: $staffId, from: $from, to: $to) { id name }\n  }\n"): typeof import('./graphql').ConsoleAssignQaReviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReportBreach($input: ReportBreachInput!) {\n    reportBreach(input: $input) { id discoveredAt regulatorDeadline }\n  }\n"): typeof import('./graphql').ConsoleReportBreachDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRequestSubjectAccess(\n    $serviceUserId: ID!\n    $receivedOn: String!\n    $identityCheck: SubjectAccessIdentityCheck\n  ) {\n    requestSubjectAccess(serviceUserId: $serviceUserId, receivedOn: $receivedOn, identityCheck: $identityCheck) {\n      id\n      deadline\n    }\n  }\n"): typeof import('./graphql').ConsoleRequestSubjectAccessDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAccessHeatMapByService($from: DateTime, $to: DateTime) {\n    accessHeatMap(from: $from, to: $to, rows: SERVICE) {\n      from\n      to\n      timeZone\n      days\n      truncated\n      serviceCells {\n        serviceId\n        serviceName\n        day\n        reads\n        offCaseload\n        outOfHours\n        denied\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleAccessHeatMapByServiceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleViewer {\n    me {\n      kind\n      roles\n      organisation { name }\n      staffMember { id displayName handle }\n    }\n  }\n"): typeof import('./graphql').ConsoleViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePendingBreakGlassReviews {\n    emergencyAccessReviewsConnection(status: \"PENDING\", first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          reason\n          openedAt\n          until\n          serviceUserId\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePendingBreakGlassReviewsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePendingDisclosureReviews($after: String) {\n    disclosureReviewsConnection(status: PENDING, first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          requestId\n          serviceUserId\n          legalBasis\n          openedAt\n          clientInformed\n          madeBy\n          madeByActor { displayName handle roles }\n          recordedBy\n          recordedByActor { displayName handle roles }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePendingDisclosureReviewsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleDisclosureWork($after: String) {\n    disclosureWorkQueueConnection(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          kind\n          requestId\n          serviceUserId\n          legalBasis\n          since\n          ageDays\n          urgent\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleDisclosureWorkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAccessAlerts {\n    accessAlerts(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          rule\n          description\n          count\n          from\n          to\n          reviewId\n          staffId\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleAccessAlertsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleBreaches($after: String) {\n    breachesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          nature\n          source\n          categories\n          approximateSubjects\n          discoveredAt\n          regulatorDeadline\n          regulatorNotifiedAt\n          reportable\n          containment\n          overdue\n          version\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleBreachesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSubjectAccessRequests($after: String) {\n    subjectAccessRequestsConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          receivedOn\n          deadline\n          status\n          overdue\n          serviceUserId\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleSubjectAccessRequestsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleGovernanceNotifications {\n    governanceNotifications(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          kind\n          reference\n          createdAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleGovernanceNotificationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleBreakGlassReview($reviewId: ID!) {\n    emergencyAccessReview(reviewId: $reviewId) {\n      id\n      reason\n      detail\n      openedAt\n      until\n      status\n      outcome\n      reviewedAt\n      reviewedByActor { displayName handle roles }\n      serviceUserId\n      actor { displayName handle roles }\n    }\n  }\n"): typeof import('./graphql').ConsoleBreakGlassReviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCompleteBreakGlassReview($reviewId: ID!, $outcome: ReviewOutcome!) {\n    completeEmergencyAccessReview(reviewId: $reviewId, outcome: $outcome) {\n      id\n      status\n      outcome\n    }\n  }\n"): typeof import('./graphql').ConsoleCompleteBreakGlassReviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDecideDisclosureRequest(\n    $serviceUserId: ID!\n    $requestId: String!\n    $approve: Boolean!\n    $reasoning: String!\n  ) {\n    decideDisclosureRequest(\n      serviceUserId: $serviceUserId\n      requestId: $requestId\n      approve: $approve\n      reasoning: $reasoning\n    ) {\n      kind\n    }\n  }\n"): typeof import('./graphql').ConsoleDecideDisclosureRequestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleEscalateDisclosureRequest($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {\n    escalateDisclosureRequest(serviceUserId: $serviceUserId, requestId: $requestId, reasoning: $reasoning) {\n      kind\n    }\n  }\n"): typeof import('./graphql').ConsoleEscalateDisclosureRequestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleAcknowledgeDisclosureWork($serviceUserId: ID!, $requestId: String!) {\n    acknowledgeDisclosureWork(serviceUserId: $serviceUserId, requestId: $requestId) {\n      kind\n    }\n  }\n"): typeof import('./graphql').ConsoleAcknowledgeDisclosureWorkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCompleteDisclosureReview(\n    $reviewId: ID!\n    $outcome: DisclosureReviewOutcome!\n    $notes: String!\n  ) {\n    completeDisclosureReview(reviewId: $reviewId, outcome: $outcome, notes: $notes) {\n      id\n      status\n      outcome\n    }\n  }\n"): typeof import('./graphql').ConsoleCompleteDisclosureReviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePersonDisclosures($serviceUserId: ID!, $after: String) {\n    serviceUser(id: $serviceUserId) {\n      id\n      disclosureRegisterConnection(first: 25, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges {\n          node {\n            requestId\n            sequence\n            kind\n            at\n            requesterOrganisation\n            receivingApp { name }\n            requesterKind\n            receivedOn\n            urgent\n            purposeCategory\n            purpose\n            legalBasis\n            identityCheck\n            reasoning\n            reasonNotInformed\n            recipient\n            method\n            snapshotDigest\n            grantExpiresAt\n            clientInformed\n            toldOn\n            items { id kind recordedAt }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePersonDisclosuresDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePersonNotesForDisclosure($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      notes(first: 100) {\n        pageInfo { hasNextPage }\n        edges {\n          node {\n            id\n            kind\n            recordedAt\n            ... on CareNote { authorOrganisation }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePersonNotesForDisclosureDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleServicePeople($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleServicePeopleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReceiveDisclosureRequest($input: ReceiveDisclosureRequestInput!) {\n    receiveDisclosureRequest(input: $input) { requestId kind }\n  }\n"): typeof import('./graphql').ConsoleReceiveDisclosureRequestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSetDisclosureRequestUrgency($serviceUserId: ID!, $requestId: String!, $urgent: Boolean!) {\n    setDisclosureRequestUrgency(serviceUserId: $serviceUserId, requestId: $requestId, urgent: $urgent) {\n      requestId\n      urgent\n    }\n  }\n"): typeof import('./graphql').ConsoleSetDisclosureRequestUrgencyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReleaseDisclosure($input: ReleaseDisclosureInput!) {\n    releaseDisclosure(input: $input) { requestId kind snapshotDigest releasedText { kind recordedAt body } }\n  }\n"): typeof import('./graphql').ConsoleReleaseDisclosureDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCorrectDisclosureEntry($serviceUserId: ID!, $requestId: String!, $reasoning: String!) {\n    correctDisclosureEntry(serviceUserId: $serviceUserId, requestId: $requestId, reasoning: $reasoning) {\n      requestId\n      kind\n    }\n  }\n"): typeof import('./graphql').ConsoleCorrectDisclosureEntryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRecordDisclosureToldToPerson($serviceUserId: ID!, $requestId: String!, $toldOn: String!, $how: String!) {\n    recordDisclosureToldToPerson(serviceUserId: $serviceUserId, requestId: $requestId, toldOn: $toldOn, how: $how) {\n      requestId\n      kind\n      toldOn\n    }\n  }\n"): typeof import('./graphql').ConsoleRecordDisclosureToldToPersonDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRecordAuthorAuthority($noteId: ID!, $reference: String!) {\n    recordAuthorAuthority(noteId: $noteId, reference: $reference)\n  }\n"): typeof import('./graphql').ConsoleRecordAuthorAuthorityDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRecordExceptionalDisclosure($input: ExceptionalDisclosureInput!) {\n    recordExceptionalDisclosure(input: $input) { requestId kind }\n  }\n"): typeof import('./graphql').ConsoleRecordExceptionalDisclosureDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleDisclosureConsentMethods {\n    disclosureConsentMethods\n  }\n"): typeof import('./graphql').ConsoleDisclosureConsentMethodsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSetDisclosureConsentMethods($methods: [ConsentMethod!]!) {\n    setDisclosureConsentMethods(methods: $methods)\n  }\n"): typeof import('./graphql').ConsoleSetDisclosureConsentMethodsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleAssessBreach(\n    $breachId: ID!\n    $expectedVersion: Int!\n    $reportable: Boolean!\n    $regulatorNotifiedAt: DateTime\n  ) {\n    assessBreach(\n      breachId: $breachId\n      expectedVersion: $expectedVersion\n      reportable: $reportable\n      regulatorNotifiedAt: $regulatorNotifiedAt\n    ) {\n      id\n      reportable\n      regulatorNotifiedAt\n      version\n    }\n  }\n"): typeof import('./graphql').ConsoleAssessBreachDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePersonAccessLog($serviceUserId: ID!, $after: String) {\n    accessLog(serviceUserId: $serviceUserId, first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          action\n          outcome\n          operation\n          classifications\n          fields\n          purpose\n          relationship\n          emergency\n          actor { displayName handle roles who }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePersonAccessLogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleDisclosureRegister($from: DateTime!, $after: String) {\n    disclosureReport(from: $from, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          operation\n          purpose\n          rule\n          serviceUserId\n          recipient\n          classifications\n          actor { displayName handle roles }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleDisclosureRegisterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleStaffAccess($staffId: ID!, $after: String, $from: DateTime, $to: DateTime) {\n    staffAccessReport(staffId: $staffId, first: 50, after: $after, from: $from, to: $to) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          at\n          action\n          outcome\n          operation\n          classifications\n          fields\n          purpose\n          relationship\n          emergency\n          actor { displayName handle roles who }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleStaffAccessDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAccessHeatMap($from: DateTime, $to: DateTime, $serviceId: ID) {\n    accessHeatMap(from: $from, to: $to, serviceId: $serviceId) {\n      from\n      to\n      timeZone\n      days\n      staffCount\n      truncated\n      cells {\n        staffId\n        day\n        reads\n        offCaseload\n        outOfHours\n        denied\n        actor { displayName handle roles }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleAccessHeatMapDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSubjectAccessRegister($after: String) {\n    subjectAccessRequestsConnection(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          serviceUserId\n          receivedOn\n          deadline\n          status\n          overdue\n          openedByPerson\n          identityCheck\n          recordedBy\n          recordedByActor { displayName handle roles }\n          exportApproved\n          exportApprovedBy\n          exportApprovedAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleSubjectAccessRegisterDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleApproveSubjectAccessExport($requestId: ID!) {\n    approveSubjectAccessExport(requestId: $requestId) {\n      id\n      exportApproved\n      exportApprovedBy\n      exportApprovedAt\n    }\n  }\n"): typeof import('./graphql').ConsoleApproveSubjectAccessExportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSubjectAccessExport($serviceUserId: ID!) {\n    subjectAccessExport(serviceUserId: $serviceUserId) {\n      requestId\n      deadline\n      generatedAt\n      document\n    }\n  }\n"): typeof import('./graphql').ConsoleSubjectAccessExportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCompleteSubjectAccessRequest($requestId: String!) {\n    completeSubjectAccessRequest(requestId: $requestId) {\n      id\n      status\n    }\n  }\n"): typeof import('./graphql').ConsoleCompleteSubjectAccessRequestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleServices($after: String) {\n    servicesConnection(first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id name }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleServicesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleLegalHolds($after: String) {\n    legalHolds(first: 50, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          serviceUserId\n          reference\n          placedAt\n          placedByActor { displayName handle roles }\n          reason\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleLegalHoldsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePersonLegalHold($serviceUserId: ID!) {\n    serviceUser(id: $serviceUserId) {\n      id\n      retention { legalHold }\n    }\n  }\n"): typeof import('./graphql').ConsolePersonLegalHoldDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsolePlaceLegalHold($serviceUserId: ID!, $reason: String!) {\n    placeLegalHold(serviceUserId: $serviceUserId, reason: $reason) {\n      serviceUserId\n      placedAt\n      placedByActor { displayName handle roles }\n    }\n  }\n"): typeof import('./graphql').ConsolePlaceLegalHoldDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleLiftLegalHold($serviceUserId: ID!, $reason: String!) {\n    liftLegalHold(serviceUserId: $serviceUserId, reason: $reason) {\n      serviceUserId\n      liftedAt\n      liftedByActor { displayName handle roles }\n    }\n  }\n"): typeof import('./graphql').ConsoleLiftLegalHoldDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePendingChanges {\n    pendingChangesConnection(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          operation\n          rule\n          proposedAt\n          proposedByActor { displayName handle roles }\n          subjectKind\n          subjectId\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePendingChangesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePendingChangesToDecide {\n    pendingChangesConnection(first: 50) {\n      pageInfo { hasNextPage }\n      edges {\n        node {\n          id\n          operation\n          rule\n          proposedAt\n          proposedByActor { displayName handle roles }\n          subjectKind\n          subjectId\n          reason\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePendingChangesToDecideDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleApproveChange($approvalId: ID!) {\n    approveChange(approvalId: $approvalId) { id status }\n  }\n"): typeof import('./graphql').ConsoleApproveChangeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRejectChange($approvalId: ID!) {\n    rejectChange(approvalId: $approvalId) { id status }\n  }\n"): typeof import('./graphql').ConsoleRejectChangeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleProposeErasure($serviceUserId: ID!, $reason: String!) {\n    eraseServiceUser(serviceUserId: $serviceUserId, reason: $reason) { serviceUserId erasedAt }\n  }\n"): typeof import('./graphql').ConsoleProposeErasureDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMonitoringSettings {\n    accessMonitoringSettings {\n      version\n      timeZone\n      workingDays\n      workingHoursStart\n      workingHoursEnd\n      emergencyReviewDays\n      manyClientsThreshold\n      manyClientsWindowMinutes\n      deniedAttemptsThreshold\n      deniedAttemptsWindowMinutes\n    }\n  }\n"): typeof import('./graphql').ConsoleMonitoringSettingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSetMonitoringSettings($expectedVersion: Int!, $input: AccessMonitoringSettingsInput!) {\n    setAccessMonitoringSettings(expectedVersion: $expectedVersion, input: $input) { version }\n  }\n"): typeof import('./graphql').ConsoleSetMonitoringSettingsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleAuthoriseImport($input: AuthoriseImportInput!) {\n    authoriseImport(input: $input) { id serviceId grantedAt expiresAt withdrawnAt }\n  }\n"): typeof import('./graphql').ConsoleAuthoriseImportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleWithdrawImportAuthorisation($input: WithdrawImportAuthorisationInput!) {\n    withdrawImportAuthorisation(input: $input) { id serviceId expiresAt withdrawnAt }\n  }\n"): typeof import('./graphql').ConsoleWithdrawImportAuthorisationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleImportAuthorisations($serviceId: ID!, $after: String) {\n    importAuthorisations(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges { node { id serviceId grantedBy grantedAt expiresAt withdrawnAt } }\n    }\n    service: node(id: $serviceId) {\n      ... on Service { id managers { id displayName } }\n    }\n  }\n"): typeof import('./graphql').ConsoleImportAuthorisationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleManagedServicePeople($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference name caseStatus }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleManagedServicePeopleDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleServicePeopleByReference($serviceId: ID!, $after: String) {\n    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node { id reference caseStatus }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleServicePeopleByReferenceDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
