import type { DefaultMatrixScenario } from '@confide/access';
import type { AccessPreset } from '@confide/domain';
import { ItemLoader, tenantScope } from '@confide/store';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import type { TestApi } from '../support/test-api';

/** One organisation with one client holding a field of every classification, for matrix tests. */
export interface MatrixWorld {
  readonly org: TestOrganisation;
  readonly serviceId: string;
  readonly manager: Person;
  readonly senior: Person;
  readonly client: string;
  readonly clientId: string;
  readonly notes: Record<'CARE' | 'HEALTH' | 'FINANCE' | 'SAFEGUARDING', string>;
}

export async function matrixWorld(api: TestApi, preset: AccessPreset = 'STRICT'): Promise<MatrixWorld> {
  const org = await onboardTestOrganisation(api, { preset });
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const client = await registerServiceUser(api, manager, serviceId);
  const author = await addStaff(api, org, ['SUPPORT_WORKER']);
  await allocate(api, manager, client, author);
  const notes = {
    CARE: await recordNote(api, author, client, 'DAILY_SUPPORT', 'CARE text'),
    HEALTH: await recordNote(api, author, client, 'MEDICAL', 'HEALTH text'),
    FINANCE: await recordNote(api, author, client, 'FINANCE', 'FINANCE text'),
    SAFEGUARDING: await recordNote(api, author, client, 'SAFEGUARDING_CONCERN', 'SAFEGUARDING text'),
  };
  expectNoErrors(
    await api.graphql(
      'mutation ($id: ID!) { recordConsent(input: { serviceUserId: $id, scope: GP, method: SIGNED_FORM, givenBy: CLIENT }) { id } }',
      { token: manager.token, variables: { id: client } },
    ),
  );
  const clientId = Buffer.from(client, 'base64').toString().split(':')[1] ?? '';
  return { org, serviceId, manager, senior, client, clientId, notes };
}

/** A caller in exactly the situation a matrix scenario describes, created through the API. */
export async function callerFor(
  api: TestApi,
  world: MatrixWorld,
  scenario: DefaultMatrixScenario,
): Promise<{ token: string; actorId: string }> {
  if (scenario.caller.kind === 'SERVICE_USER') {
    const record = await api.services.serviceUsers.get(
      tenantScope(world.org.orgId),
      world.clientId,
      new ItemLoader(api.services.dynamo, api.services.keys),
    );
    return {
      token: await api.token({ sub: record?.externalSubject ?? '', org_id: world.org.orgId }),
      actorId: world.clientId,
    };
  }
  if (scenario.caller.kind !== 'STAFF') throw new Error(`No scenario setup for ${scenario.caller.kind}`);
  const person = await addStaff(api, world.org, [...scenario.caller.roles]);
  const relation = scenario.relation;
  const senior = world.senior.token;
  if (relation.allocated) await allocate(api, world.manager, world.client, person);
  if (relation.managesService) {
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
        {
          token: senior,
          variables: { s: world.serviceId, m: person.globalId },
        },
      ),
    );
  }
  if (relation.serviceMember) {
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }',
        {
          token: senior,
          variables: { s: world.serviceId, m: person.globalId },
        },
      ),
    );
  }
  if (relation.qaReview) {
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!, $f: DateTime!, $t: DateTime!) { assignQaReview(serviceId: $s, staffId: $m, from: $f, to: $t) { id } }',
        {
          token: senior,
          variables: {
            s: world.serviceId,
            m: person.globalId,
            f: new Date(Date.now() - 60_000).toISOString(),
            t: new Date(Date.now() + 86_400_000).toISOString(),
          },
        },
      ),
    );
  }
  if (relation.investigation) {
    expectNoErrors(
      await api.graphql(
        'mutation ($c: [ID!]!, $i: ID!) { openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i) }',
        { token: senior, variables: { c: [world.client], i: person.globalId } },
      ),
    );
  }
  if (relation.emergency) {
    expectNoErrors(
      await api.graphql(
        `mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: ${relation.emergency}, detail: "Found unresponsive") { id } }`,
        { token: person.token, variables: { c: world.client } },
      ),
    );
  }
  // Relationships are read at authentication: a token minted now sees them (the same token works too).
  return { token: person.token, actorId: person.staffId };
}
