import type { OrgId, Role } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { expect } from 'vitest';
import { addStaff, globalIdOf, onboardTestOrganisation, type TestOrganisation } from './fixtures';
import type { GraphqlResult, TestApi } from './test-api';

export interface Person {
  readonly staffId: string;
  readonly globalId: string;
  readonly token: string;
}

export function expectNoErrors(result: GraphqlResult<unknown>): void {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
}

export const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }) =>
  result.errors?.map((error) => error.extensions?.code);

/**
 * A service with a manager, set up as `createService` and `assignServiceManager` leave it (the care services'
 * store, which both run once their policy and audit allow): a senior manager, the service, its manager.
 */
export async function createServiceWithManager(api: TestApi, org: TestOrganisation) {
  const scope = tenantScope(org.orgId);
  const senior = await addStaff(api, org, ['ORG_ADMIN', 'SENIOR_MANAGER']);
  const [service, manager] = await Promise.all([
    api.services.careServices.create(scope, 'Supported living north'),
    addStaff(api, org, ['SERVICE_MANAGER']),
  ]);
  await api.services.careServices.addStaff(scope, service.serviceId, manager.staffId, 'managers');
  return { serviceId: globalIdOf('Service', service.serviceId), manager, senior };
}

export const ADA = {
  name: 'Ada Lovelace-Canary',
  dateOfBirth: '1980-12-10',
  address: '12 Analytical Row, Leeds',
  postcode: 'LS1 4AB',
  nhsNumber: '9434765919',
  phone: '07700 900123',
  email: 'ada@example.org',
  preferredContact: 'Phone in the mornings',
};

/**
 * The usual scene of a care test: an organisation of its own, a service and its manager, and a support worker
 * allocated to a newly registered person (`client`, a global id).
 */
export async function allocatedPerson(api: TestApi) {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  return { org, serviceId, manager, worker, client };
}

/** Registers a service user as the service's manager; returns the global id. */
export async function registerServiceUser(
  api: TestApi,
  manager: Person,
  serviceId: string,
  details: Partial<typeof ADA> = {},
): Promise<string> {
  const result = await api.graphql<{ registerServiceUser: { id: string } }>(
    'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }',
    { token: manager.token, variables: { input: { serviceId, ...ADA, ...details } } },
  );
  expectNoErrors(result);
  return result.data?.registerServiceUser.id ?? '';
}

export async function allocate(
  api: TestApi,
  manager: Person,
  serviceUserId: string,
  worker: Person,
  kind: 'PRIMARY' | 'COVER' = 'PRIMARY',
  endsAt?: string,
) {
  const result = await api.graphql(
    'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }',
    { token: manager.token, variables: { input: { serviceUserId, staffId: worker.globalId, kind, endsAt } } },
  );
  expectNoErrors(result);
}

export async function recordNote(
  api: TestApi,
  author: Person,
  serviceUserId: string,
  kind: string,
  body: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const result = await api.graphql<{ recordNote: { id: string } }>(
    'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }',
    { token: author.token, variables: { input: { serviceUserId, kind, body, ...extra } } },
  );
  expectNoErrors(result);
  return result.data?.recordNote.id ?? '';
}

export async function staffWithRoles(api: TestApi, org: TestOrganisation, roles: Role[]): Promise<Person> {
  return addStaff(api, org, roles);
}

export type { OrgId };
