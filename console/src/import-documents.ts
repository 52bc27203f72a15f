import { graphql } from './gql';

/**
 * The operations of the Imports screen (decision 0146): a manager authorises an import into a service they manage,
 * sees the authorisations that stand for each service they manage, and withdraws one they gave. Kept apart from
 * documents.ts, which re-exports them; the services the screen offers are read with `ManagedServicesQuery`
 * (case-documents.ts).
 */

export const AuthoriseImportMutation = graphql(`
  mutation ConsoleAuthoriseImport($input: AuthoriseImportInput!) {
    authoriseImport(input: $input) { id serviceId grantedAt expiresAt withdrawnAt }
  }
`);

export const WithdrawImportAuthorisationMutation = graphql(`
  mutation ConsoleWithdrawImportAuthorisation($input: WithdrawImportAuthorisationInput!) {
    withdrawImportAuthorisation(input: $input) { id serviceId expiresAt withdrawnAt }
  }
`);

/**
 * The authorisations that stand for one service, newest first, with the service's managers' names to say who gave
 * each (the list itself holds ids and times only).
 */
export const ImportAuthorisationsQuery = graphql(`
  query ConsoleImportAuthorisations($serviceId: ID!, $after: String) {
    importAuthorisations(serviceId: $serviceId, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id serviceId grantedBy grantedAt expiresAt withdrawnAt } }
    }
    service: node(id: $serviceId) {
      ... on Service { id managers { id displayName } }
    }
  }
`);
