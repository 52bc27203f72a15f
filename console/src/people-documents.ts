import { graphql } from './gql';

/**
 * The operations of the People screen: the people of a service, to open each one's screen, by name for the services
 * the caller manages, by case reference for the IG lead and the Caldicott Guardian. Kept apart from documents.ts,
 * which re-exports them; the services it lists are read with `ManagedServicesQuery` (case-documents.ts) and
 * `ServicesQuery` (documents.ts).
 */

/**
 * One service's people the caller may see, a page at a time, with what a service's manager reads of each: the case
 * reference and status (pseudonymous) and the name (identifying). A field the API refuses comes back null, with an
 * error entry for that field only.
 */
export const ManagedServicePeopleQuery = graphql(`
  query ConsoleManagedServicePeople($serviceId: ID!, $after: String) {
    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node { id reference name caseStatus }
      }
    }
  }
`);

/**
 * One service's people the caller may see, a page at a time, by what the IG lead and the Caldicott Guardian read of
 * anyone (they have no relationship to the people): the case reference and status, both pseudonymous. Never the name,
 * which is identifying and not theirs to read (ACCESS-MODEL.md). The services are read with `ServicesQuery`.
 */
export const ServicePeopleByReferenceQuery = graphql(`
  query ConsoleServicePeopleByReference($serviceId: ID!, $after: String) {
    serviceUsers(serviceId: $serviceId, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        node { id reference caseStatus }
      }
    }
  }
`);
