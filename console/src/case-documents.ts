import { graphql } from './gql';

/**
 * The operations of the console's case actions (issue 19): a person's case (close, reopen), safeguarding
 * investigations, conflicts of interest, QA reviews, breach reports and subject access requests recorded by staff.
 * Kept apart from documents.ts, which re-exports them, so each area's operations are read together.
 */

export const PersonCaseQuery = graphql(`
  query ConsolePersonCase($serviceUserId: ID!) {
    serviceUser(id: $serviceUserId) {
      id
      caseStatus
      closedAt
      version
      service {
        id
        name
        membersConnection(first: 100) {
          edges {
            node { id displayName handle roles }
          }
        }
      }
    }
  }
`);

export const CloseCaseMutation = graphql(`
  mutation ConsoleCloseCase($input: CloseCaseInput!) {
    closeCase(input: $input) { id caseStatus closedAt version }
  }
`);

export const ReopenCaseMutation = graphql(`
  mutation ConsoleReopenCase($input: ReopenCaseInput!) {
    reopenCase(input: $input) { id caseStatus closedAt version }
  }
`);

export const OpenInvestigationMutation = graphql(`
  mutation ConsoleOpenInvestigation($serviceUserIds: [ID!]!, $investigatorId: ID!) {
    openSafeguardingInvestigation(serviceUserIds: $serviceUserIds, investigatorId: $investigatorId)
  }
`);

export const CloseInvestigationMutation = graphql(`
  mutation ConsoleCloseInvestigation($serviceUserIds: [ID!]!, $investigationId: ID!) {
    closeSafeguardingInvestigation(serviceUserIds: $serviceUserIds, investigationId: $investigationId)
  }
`);

export const DeclareConflictMutation = graphql(`
  mutation ConsoleDeclareConflict($serviceUserId: ID!, $staffId: ID!, $connection: ConflictConnection!) {
    declareConflict(serviceUserId: $serviceUserId, staffId: $staffId, connection: $connection)
  }
`);

export const ClearConflictMutation = graphql(`
  mutation ConsoleClearConflict($serviceUserId: ID!, $staffId: ID!) {
    clearConflict(serviceUserId: $serviceUserId, staffId: $staffId)
  }
`);

export const ManagedServicesQuery = graphql(`
  query ConsoleManagedServices($after: String) {
    servicesConnection(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          name
          managers { id }
        }
      }
    }
  }
`);

export const ServiceTeamQuery = graphql(`
  query ConsoleServiceTeam($serviceId: ID!) {
    node(id: $serviceId) {
      ... on Service {
        id
        name
        managers { id }
        membersConnection(first: 100) {
          edges {
            node { id displayName handle roles }
          }
        }
      }
    }
  }
`);

export const AssignQaReviewMutation = graphql(`
  mutation ConsoleAssignQaReview($serviceId: ID!, $staffId: ID!, $from: DateTime!, $to: DateTime!) {
    assignQaReview(serviceId: $serviceId, staffId: $staffId, from: $from, to: $to) { id name }
  }
`);

export const ReportBreachMutation = graphql(`
  mutation ConsoleReportBreach($input: ReportBreachInput!) {
    reportBreach(input: $input) { id discoveredAt regulatorDeadline }
  }
`);

export const RequestSubjectAccessMutation = graphql(`
  mutation ConsoleRequestSubjectAccess(
    $serviceUserId: ID!
    $receivedOn: String!
    $identityCheck: SubjectAccessIdentityCheck
  ) {
    requestSubjectAccess(serviceUserId: $serviceUserId, receivedOn: $receivedOn, identityCheck: $identityCheck) {
      id
      deadline
    }
  }
`);

export const AccessHeatMapByServiceQuery = graphql(`
  query ConsoleAccessHeatMapByService($from: DateTime, $to: DateTime) {
    accessHeatMap(from: $from, to: $to, rows: SERVICE) {
      from
      to
      timeZone
      days
      truncated
      serviceCells {
        serviceId
        serviceName
        day
        reads
        offCaseload
        outOfHours
        denied
      }
    }
  }
`);
