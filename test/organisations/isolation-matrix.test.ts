import { randomBytes } from 'node:crypto';
import { schema } from '@confide/api';
import { tenantScope } from '@confide/store';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Isolation matrix (issue 3): every query and mutation of the schema — enumerated from the schema itself, so a
 * new operation is covered without editing this test — called by every principal kind of organisation A with
 * the ids of organisation B. Nothing of B may come back: each call answers NOT_FOUND or FORBIDDEN (or an
 * input error) for B's ids, and no response contains any of B's canary strings.
 */

interface SeededOrganisation {
  org: TestOrganisation;
  canary: string;
  ids: Record<string, string>;
  callers: Record<string, string>;
}

async function seed(api: TestApi, label: string): Promise<SeededOrganisation> {
  const canary = `CANARY${label}${randomBytes(4).toString('hex')}`;
  const org = await onboardTestOrganisation(api, { name: `Charity ${label}` });
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const worker: Person = await addStaff(api, org, ['SUPPORT_WORKER'], `worker.${label.toLowerCase()}`);
  const client = await registerServiceUser(api, manager, serviceId, {
    name: `${canary} Name`,
    address: `${canary} Street`,
    phone: '07700 900456',
    email: `${canary.toLowerCase()}@example.org`,
    preferredContact: `${canary} contact`,
  });
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'MEDICAL', `${canary} medical note`);
  await recordNote(api, worker, client, 'DAILY_SUPPORT', `${canary} daily note`);
  const outsider = await addStaff(api, org, ['SUPPORT_WORKER']);
  const review = await api.graphql<{ openEmergencyAccess: { id: string } }>(
    'mutation ($id: ID!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY, detail: $d) { id } }'.replace(
      '$d',
      JSON.stringify(`${canary} emergency detail`),
    ),
    { token: outsider.token, variables: { id: client } },
  );
  expectNoErrors(review);
  const partnerClientId = `partner-${label.toLowerCase()}-${randomBytes(3).toString('hex')}`;
  expectNoErrors(
    await api.graphql(
      'mutation ($c: String!) { registerPartnerAgency(name: "Local authority", clientId: $c) { id } }',
      {
        token: org.adminToken,
        variables: { c: partnerClientId },
      },
    ),
  );
  const clientRecord = await api.services.serviceUsers.get(
    tenantScope(org.orgId),
    Buffer.from(client, 'base64').toString().split(':')[1] ?? '',
    new (await import('@confide/store')).ItemLoader(api.services.dynamo, api.services.keys),
  );
  const serviceUserToken = await api.token({ sub: clientRecord?.externalSubject ?? '', org_id: org.orgId });
  const partnerToken = await api.token({
    sub: partnerClientId,
    client_id: partnerClientId,
    org_id: org.orgId,
  });
  return {
    org,
    canary,
    ids: {
      ServiceUser: client,
      StaffMember: worker.globalId,
      Service: serviceId,
      Note: note,
      Organisation: org.orgId,
      EmergencyAccessReview: review.data?.openEmergencyAccess.id ?? '',
      Allocation: clientRecord?.allocations[0]?.allocationId ?? '',
    },
    callers: {
      'staff (admin and senior manager)': senior.token,
      'staff (service manager)': manager.token,
      'staff (support worker)': worker.token,
      'service user (SELF)': serviceUserToken,
      'partner agency': partnerToken,
    },
  };
}

/** Which of B's ids an argument or input field takes, from its name. */
function idFor(name: string, other: SeededOrganisation): string {
  const ids = other.ids;
  if (/serviceUser/i.test(name)) return ids.ServiceUser ?? '';
  if (/staff|investigator/i.test(name)) return ids.StaffMember ?? '';
  if (/^serviceId$/i.test(name)) return ids.Service ?? '';
  if (/note/i.test(name)) return ids.Note ?? '';
  if (/organisation/i.test(name)) return ids.Organisation ?? '';
  if (/review/i.test(name)) return ids.EmergencyAccessReview ?? '';
  if (/allocation/i.test(name)) return ids.Allocation ?? '';
  return ids.ServiceUser ?? '';
}

function valueFor(
  name: string,
  type: GraphQLInputType,
  other: SeededOrganisation,
  idOverride?: string,
): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [valueFor(name, nullable.ofType, other, idOverride)];
  if (isInputObjectType(nullable)) {
    const fields: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type)) fields[field.name] = valueFor(field.name, field.type, other, idOverride);
    }
    return fields;
  }
  if (isEnumType(nullable)) return nullable.getValues()[0]?.value;
  if (isScalarType(nullable)) {
    switch (nullable.name) {
      case 'ID':
        return idOverride ?? idFor(name, other);
      case 'Int':
        return /days/i.test(name) ? 30 : 1;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date(Date.now() + 3_600_000).toISOString();
      default:
        if (/dateOfBirth/.test(name)) return '1990-01-01';
        if (/handle|clientId|slug/.test(name)) return `iso-${randomBytes(3).toString('hex')}`;
        return 'Isolation test';
    }
  }
  return null;
}

/** A selection of every field reachable to `depth`; fields inside fragments are aliased by type to avoid clashes. */
function selection(type: GraphQLOutputType, depth: number, alias = ''): string {
  const named: GraphQLNamedType = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (depth <= 0) return isObjectType(named) || isInterfaceType(named) ? '{ __typename }' : '';
  if (isUnionType(named)) return '{ __typename }';
  const fields = isObjectType(named) || isInterfaceType(named) ? Object.values(named.getFields()) : [];
  const parts: string[] = ['__typename'];
  for (const field of fields) {
    if (field.args.some((arg) => isNonNullType(arg.type))) continue;
    const sub = selection(field.type, depth - 1);
    if (sub === '' && !(isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type))))
      continue;
    parts.push(`${alias ? `${alias}_${field.name}: ` : ''}${field.name} ${sub}`);
  }
  if (isInterfaceType(named)) {
    for (const implementation of schema.getPossibleTypes(named)) {
      parts.push(
        `... on ${implementation.name} ${selection(implementation, depth - 1, implementation.name)}`,
      );
    }
  }
  return `{ ${parts.join(' ')} }`;
}

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const args = field.args.filter((arg: GraphQLArgument) => isNonNullType(arg.type) || /id$/i.test(arg.name));
  const declared = args.map((arg, index) => `$a${index}: ${arg.type.toString()}`).join(', ');
  const passed = args.map((arg, index) => `${arg.name}: $a${index}`).join(', ');
  const text = `${kind}${declared ? ` (${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selection(field.type, 3)} }`;
  return { text, args };
}

/** True when a list or connection field came back empty (no items, no edges). */
function returnsNothing(data: unknown, fieldName: string): boolean {
  const value = (data as Record<string, unknown> | null | undefined)?.[fieldName];
  if (Array.isArray(value)) return value.length === 0;
  if (value && typeof value === 'object' && 'edges' in value)
    return (value as { edges: unknown[] }).edges.length === 0;
  return false;
}

const ALLOWED_CODES = new Set([
  'NOT_FOUND',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'CONFLICT',
  'POLICY_NOT_ACKNOWLEDGED',
]);
/**
 * Operators' own operations act on any organisation by design (onboarding, offboarding, its export waiver, restoring
 * its administration on two operators' word): not tenant reads.
 */
const PLATFORM_OPERATIONS = new Set([
  'onboardOrganisation',
  'offboardOrganisation',
  'organisations',
  'waiveOrganisationExport',
  'restoreOrganisationAdministrator',
]);

describe('isolation matrix across organisations', () => {
  const api = testApi();
  let a: SeededOrganisation;
  let b: SeededOrganisation;
  let c: SeededOrganisation;

  beforeAll(async () => {
    [a, b, c] = await Promise.all([seed(api, 'A'), seed(api, 'B'), seed(api, 'C')]);
  });

  it('enumerates every operation of the schema', () => {
    const operations = [
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
    ];
    expect(operations.length).toBeGreaterThan(30);
    expect(operations).toEqual(expect.arrayContaining(['serviceUser', 'recordNote', 'staffMembers', 'node']));
  });

  it('returns nothing of organisation B to any principal of organisation A', async () => {
    const callers = { ...a.callers, 'platform operator': await api.operatorToken() };
    const operations = [
      ...Object.values(schema.getQueryType()?.getFields() ?? {}).map((f) => ['query', f] as const),
      ...Object.values(schema.getMutationType()?.getFields() ?? {}).map((f) => ['mutation', f] as const),
    ];
    const canaries = [b.canary, c.canary];
    let calls = 0;
    for (const [callerName, token] of Object.entries(callers)) {
      for (const [kind, field] of operations) {
        if (callerName === 'platform operator' && PLATFORM_OPERATIONS.has(field.name)) continue;
        const { text, args } = operation(kind, field);
        const idArgs = args.filter((arg) => getNamedType(arg.type).name === 'ID');
        // Generic `id` arguments (node, serviceUser, caseNote…) are tried with every kind of B's ids.
        const idChoices = idArgs.some((arg) => arg.name === 'id' || arg.name === 'ids')
          ? Object.values(b.ids)
          : [undefined];
        for (const idOverride of idChoices) {
          const variables = Object.fromEntries(
            args.map((arg, index) => [
              `a${index}`,
              valueFor(
                arg.name,
                arg.type,
                b,
                arg.name === 'id' || arg.name === 'ids' ? idOverride : undefined,
              ),
            ]),
          );
          const result = await api.graphql(text, { token, variables });
          calls++;
          const where = `${callerName} → ${field.name}${idOverride ? ` (${idOverride})` : ''}`;
          for (const canary of canaries) expect(result.text, where).not.toContain(canary);
          if (field.name === 'node' || field.name === 'nodes') {
            // Relay's node fields answer an id that is not yours with null, like an id that does not exist.
            const value = (result.data as Record<string, unknown> | null | undefined)?.[field.name];
            const hidden = [value].flat().every((entry) => entry === null || entry === undefined);
            expect(hidden, where).toBe(true);
            for (const error of result.errors ?? []) {
              expect(
                ALLOWED_CODES.has(String(error.extensions?.code)),
                `${where}: ${JSON.stringify(error)}`,
              ).toBe(true);
            }
          } else if (idArgs.length > 0 && returnsNothing(result.data, field.name)) {
            // Lists and reports filtered by another organisation's id answer with nothing at all: also hiding.
            expect(result.errors ?? [], where).toEqual([]);
          } else if (idArgs.length > 0) {
            const fieldErrors = (result.errors ?? []).filter(
              (error) => error.path?.[0] === field.name || !error.path,
            );
            expect(fieldErrors.length, `${where}: ${result.text.slice(0, 300)}`).toBeGreaterThan(0);
            for (const error of fieldErrors) {
              expect(
                ALLOWED_CODES.has(String(error.extensions?.code)),
                `${where}: ${JSON.stringify(error)}`,
              ).toBe(true);
            }
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(200);

    // And B's records are untouched: its manager still reads its client and notes as seeded.
    const check = await api.graphql<{ serviceUser: { name: string; notes: { edges: unknown[] } } }>(
      'query ($id: ID!) { serviceUser(id: $id) { name notes { edges { cursor } } } }',
      { token: b.callers['staff (service manager)'], variables: { id: b.ids.ServiceUser } },
    );
    expectNoErrors(check);
    expect(check.data?.serviceUser.name).toBe(`${b.canary} Name`);
    expect(check.data?.serviceUser.notes.edges).toHaveLength(2);
    // A ceiling for a hang, not a clock: every operation for every caller, one call after another, took 72 s for the file on an idle
    // machine and over 300 s at load 10–14.
  }, 900_000);
});
