import { randomBytes } from 'node:crypto';
import { schema } from '@confide/api';
import { tenantScope } from '@confide/store';
import {
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { serviceUserToken } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/*
 * Issue 14: every refusal is recorded, uniformly, by the operation plugin. For every query and mutation in the
 * schema this sends a well-typed call from a caller who may not run it — a volunteer with no relationship to
 * anyone, else a partner agency, else a service user asking about someone else — and checks the refusal left
 * exactly one DENIED event, for that operation, by that caller.
 */

/** Operations every tenant principal may run: nothing to refuse. Each says why. */
const OPEN_TO_EVERY_TENANT_PRINCIPAL: Record<string, string> = {
  me: 'who the caller is',
};

/**
 * `node` and `nodes` run the policy and audit of each type's own query (decision 0027): a refusal is recorded once,
 * under that query's name, never under `node`/`nodes`. Covered below, type by type.
 */
const NODE_FIELDS = ['node', 'nodes'];
/** Each probed Node type, the world id it is read by, and the query whose rules it runs. */
const NODE_PROBES = [
  { typename: 'ServiceUser', id: 'ServiceUser', query: 'serviceUser' },
  { typename: 'Service', id: 'Service', query: 'services' },
  { typename: 'StaffMember', id: 'StaffMember', query: 'staffMember' },
] as const;

const REFUSALS = ['FORBIDDEN', 'NOT_FOUND', 'POLICY_NOT_ACKNOWLEDGED'];

interface World {
  api: TestApi;
  org: TestOrganisation;
  ids: Record<string, string>;
  callers: { name: string; token: string; actorId: string }[];
}

let world: World;

beforeAll(async () => {
  const api = testApi();
  const org = await onboardTestOrganisation(api);
  const created = await api.graphql<{ createService: { id: string } }>(
    'mutation { createService(name: "Refusal probe service") { id } }',
    { token: org.adminToken },
  );
  expectNoErrors(created);
  const serviceId = created.data?.createService.id ?? '';
  const manager: Person = await addStaff(api, org, ['SERVICE_MANAGER']);
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
      {
        token: org.adminToken,
        variables: { s: serviceId, m: manager.globalId },
      },
    ),
  );
  const client = await registerServiceUser(api, manager, serviceId);
  const other = await registerServiceUser(api, manager, serviceId, {
    name: 'Other Person',
    nhsNumber: undefined,
  });
  const volunteer = await addStaff(api, org, ['VOLUNTEER']);
  const partnerClientId = `probe-${randomBytes(4).toString('hex')}`;
  const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($c: String!) { registerPartnerAgency(name: "Probe agency", clientId: $c) { id } }',
    { token: org.adminToken, variables: { c: partnerClientId } },
  );
  expectNoErrors(partner);
  // A partner agency's id is opaque (not a global id).
  const partnerLocalId = partner.data?.registerPartnerAgency.id ?? '';
  const otherLocalId = Buffer.from(other, 'base64').toString().split(':')[1];
  world = {
    api,
    org,
    ids: {
      ServiceUser: client,
      StaffMember: Buffer.from(`StaffMember:${org.adminStaffId}`).toString('base64'),
      Service: serviceId,
      PartnerAgency: partnerLocalId,
    },
    callers: [
      { name: 'volunteer', token: volunteer.token, actorId: volunteer.staffId },
      {
        name: 'partner',
        token: await api.token({ sub: partnerClientId, client_id: partnerClientId, org_id: org.orgId }),
        actorId: partnerLocalId,
      },
      {
        name: 'service user',
        token: await serviceUserToken(api, org.orgId, other),
        actorId: otherLocalId ?? '',
      },
    ],
  };
});

/** A well-typed value for an argument or input field, from its name and type. */
function valueFor(name: string, type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return valueFor(name, type.ofType);
  if (isListType(type)) return [valueFor(name, type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]?.value;
  if (isInputObjectType(type)) {
    const input: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type)) input[field.name] = valueFor(field.name, field.type);
    }
    return input;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
        return 1;
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date().toISOString();
      case 'ID':
        return idFor(name);
      default:
        if (/(On|Date|date|From|To|from|to)$/.test(name)) return '2026-11-01';
        if (/email/i.test(name)) return 'probe@example.org';
        return 'refusal probe';
    }
  }
  throw new Error(`No value for ${name}`);
}

function idFor(name: string): string {
  const ids = world.ids;
  if (/service(User)?Id$/.test(name) && /User/.test(name)) return ids.ServiceUser ?? '';
  if (/^(staff|manager|worker|investigator|member|author)/i.test(name)) return ids.StaffMember ?? '';
  if (/^serviceId$/.test(name)) return ids.Service ?? '';
  if (/partner/i.test(name)) return ids.PartnerAgency ?? '';
  return ids.ServiceUser ?? '';
}

function document(
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
): {
  query: string;
  variables: Record<string, unknown>;
} {
  const required = field.args.filter((arg) => isNonNullType(arg.type));
  const declared = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passed = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
  return {
    query: `${kind}${declared ? ` (${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, valueFor(arg.name, arg.type)])),
  };
}

async function deniedEvents(actorId: string, operation: string) {
  const events = await world.api.services.auditLog.byActor(tenantScope(world.org.orgId), actorId, {
    limit: 2000,
  });
  return events.filter((event) => event.action === 'DENIED' && event.operation === operation);
}

const operations = (['query', 'mutation'] as const).flatMap((kind) => {
  const type = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
  if (!type || !isObjectType(type)) return [];
  return Object.values(type.getFields()).map((field) => ({ kind, field }));
});

describe('every refusal is audited exactly once', () => {
  it('covers every query and mutation of the schema', () => {
    expect(operations.length).toBeGreaterThan(95);
  });

  for (const { kind, field } of operations) {
    if (field.name in OPEN_TO_EVERY_TENANT_PRINCIPAL || NODE_FIELDS.includes(field.name)) continue;
    it(`${kind} ${field.name}`, async () => {
      const { query, variables } = document(kind, field);
      const answers: string[] = [];
      for (const caller of world.callers) {
        const result = await world.api.graphql(query, { token: caller.token, variables });
        const code = result.errors?.[0]?.extensions?.code as string | undefined;
        answers.push(`${caller.name}: ${code ?? 'allowed'}`);
        if (!code || !REFUSALS.includes(code)) continue;
        expect(await deniedEvents(caller.actorId, field.name), `${caller.name} refused ${code}`).toHaveLength(
          1,
        );
        return;
      }
      throw new Error(`no caller was refused ${field.name}: ${answers.join('; ')}`);
    });
  }

  for (const field of NODE_FIELDS) {
    for (const probe of NODE_PROBES) {
      it(`query ${field} of a ${probe.typename}: each refusal recorded once, under ${probe.query}`, async () => {
        const id = world.ids[probe.id] ?? '';
        const query =
          field === 'node'
            ? 'query ($id: ID!) { node(id: $id) { __typename id } }'
            : 'query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }';
        const variables = field === 'node' ? { id } : { ids: [id] };
        const refused: string[] = [];
        for (const caller of world.callers) {
          const governedBefore = (await deniedEvents(caller.actorId, probe.query)).length;
          const fieldBefore = (await deniedEvents(caller.actorId, field)).length;
          const result = await world.api.graphql(query, { token: caller.token, variables });
          const code = result.errors?.[0]?.extensions?.code as string | undefined;
          const governedAfter = (await deniedEvents(caller.actorId, probe.query)).length;
          const fieldAfter = (await deniedEvents(caller.actorId, field)).length;
          expect(fieldAfter - fieldBefore, `${caller.name}: nothing recorded under ${field}`).toBe(0);
          if (code && REFUSALS.includes(code)) {
            refused.push(caller.name);
            expect(governedAfter - governedBefore, `${caller.name} refused ${code}`).toBe(1);
          } else {
            expect(result.errors, `${caller.name} ${field} ${probe.typename}`).toBeUndefined();
            expect(governedAfter - governedBefore, `${caller.name} allowed`).toBe(0);
          }
        }
        // The partner is refused every type its own queries refuse it (issue 17 item 5).
        expect(refused).toContain('partner');
      });
    }
  }

  it('leaves open to every tenant principal only what the list names, and refuses none of them those', async () => {
    for (const name of Object.keys(OPEN_TO_EVERY_TENANT_PRINCIPAL)) {
      const operation = operations.find(({ field }) => field.name === name);
      expect(operation, name).toBeDefined();
      if (!operation) continue;
      const { query, variables } = document(operation.kind, operation.field);
      for (const caller of world.callers) {
        const result = await world.api.graphql(query, { token: caller.token, variables });
        expect(result.errors, `${caller.name} ${name}`).toBeUndefined();
      }
    }
  });
});
