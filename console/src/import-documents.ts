import { graphql } from './gql';

/**
 * The operations of the Imports screen (decision 0146): a manager authorises an import into a service they manage, and
 * withdraws an authorisation they gave. Kept apart from documents.ts, which re-exports them; the services the screen
 * offers are read with `ManagedServicesQuery` (case-documents.ts).
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
