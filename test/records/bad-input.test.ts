import { localDate } from '@confide/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, type TestOrganisation } from '../support/fixtures';
import { type Item, organisationItems, serviceWorld } from '../support/records-fixtures';
import { ownTablesForFile, testApi } from '../support/test-api';

/**
 * Bad input gets a clear error and changes nothing (DESIGN.md, Quality bar): every malformed input below is
 * refused with BAD_USER_INPUT (naming the input field where there is one) or NOT_FOUND (ids that are foreign,
 * of another type or malformed — the same answer as for someone else's record), and afterwards every item of
 * the organisation in the data and key tables is exactly as before (audit events aside).
 */

const REGISTER = 'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }';
const RECORD_NOTE = 'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }';
const AMEND_NOTE = 'mutation ($input: AmendNoteInput!) { amendNote(input: $input) { id } }';
const ALLOCATE = 'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }';
const CLOSE_CASE = 'mutation ($input: CloseCaseInput!) { closeCase(input: $input) { id } }';
const CREATE_SERVICE = 'mutation ($name: String!) { createService(name: $name) { id } }';
const ADD_STAFF = 'mutation ($input: AddStaffMemberInput!) { addStaffMember(input: $input) { id } }';
const OPEN_EMERGENCY =
  'mutation ($c: ID!, $r: EmergencyReason!, $d: String!) { openEmergencyAccess(serviceUserId: $c, reason: $r, detail: $d) { id } }';
const RECORD_CONSENT = 'mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }';

type Caller = 'manager' | 'worker' | 'admin' | 'stranger';

interface Ids {
  serviceId: string;
  client: string;
  note: string;
  worker: string;
  foreignClient: string;
  foreignStaff: string;
  foreignService: string;
}

interface Case {
  name: string;
  caller: Caller;
  query: string | ((ids: Ids) => string);
  variables: (ids: Ids) => Record<string, unknown>;
  code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'GRAPHQL_VALIDATION_FAILED';
  /** `extensions.field` for input-field errors; omitted for ids and for GraphQL-level coercion errors. */
  field?: string[];
  /** Extra extensions expected (e.g. which protection refused the request). */
  extensions?: Record<string, unknown>;
  status?: number;
}

/** Tomorrow in the organisation's time zone (Europe/London): UTC's tomorrow is London's today from 23:00 UTC in summer. */
const tomorrow = () => localDate(new Date(Date.now() + 86_400_000), 'Europe/London');
const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const nextWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
const MALFORMED_ID = '%%%not-base64%%%';

const register = (ids: Ids, change: Record<string, unknown>) => ({
  input: { serviceId: ids.serviceId, ...ADA, ...change },
});
const note = (ids: Ids, change: Record<string, unknown>) => ({
  input: { serviceUserId: ids.client, kind: 'DAILY_SUPPORT', body: 'Fine.', ...change },
});

const CASES: Case[] = [
  // registerServiceUser
  {
    name: 'registerServiceUser: NHS number with a wrong check digit',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { nhsNumber: '9434765918' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'nhsNumber'],
  },
  {
    name: 'registerServiceUser: NHS number with letters',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { nhsNumber: '943476591A' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'nhsNumber'],
  },
  {
    name: 'registerServiceUser: date of birth in the future',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { dateOfBirth: tomorrow() }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'dateOfBirth'],
  },
  {
    name: 'registerServiceUser: impossible date 2023-02-30',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { dateOfBirth: '2023-02-30' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'dateOfBirth'],
  },
  {
    name: 'registerServiceUser: empty name',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { name: '' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'name'],
  },
  {
    name: 'registerServiceUser: name of spaces only',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { name: '   ' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'name'],
  },
  {
    name: 'registerServiceUser: 201-character name',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { name: 'A'.repeat(201) }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'name'],
  },
  {
    name: 'registerServiceUser: null byte in the name',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { name: 'Ada\u0000Lovelace' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'name'],
  },
  {
    name: 'registerServiceUser: control character (BEL) in the name',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { name: 'Ada\u0007Lovelace' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'name'],
  },
  {
    name: 'registerServiceUser: newline in the single-line name',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { name: 'Ada\nLovelace' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'name'],
  },
  {
    name: 'registerServiceUser: newline in the single-line preferred contact',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { preferredContact: 'Phone\r\nnot email' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'preferredContact'],
  },
  {
    name: 'registerServiceUser: invalid postcode',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { postcode: 'NOT A POSTCODE' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'postcode'],
  },
  {
    name: 'registerServiceUser: invalid email',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { email: 'ada@' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'email'],
  },
  {
    name: 'registerServiceUser: invalid phone number',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { phone: 'call me maybe' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'phone'],
  },
  {
    name: "registerServiceUser: another organisation's service id",
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { serviceId: ids.foreignService }),
    code: 'NOT_FOUND',
  },
  {
    name: 'registerServiceUser: a staff id where a service id is expected',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { serviceId: ids.worker }),
    code: 'NOT_FOUND',
  },
  {
    name: 'registerServiceUser: malformed base64 service id',
    caller: 'manager',
    query: REGISTER,
    variables: (ids) => register(ids, { serviceId: MALFORMED_ID }),
    code: 'NOT_FOUND',
  },
  // recordNote
  {
    name: 'recordNote: body of 20,001 characters',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { body: 'x'.repeat(20_001) }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'body'],
  },
  {
    name: 'recordNote: body of 1 MB (refused by the request body cap, HTTP 413)',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { body: 'x'.repeat(1024 * 1024) }),
    code: 'BAD_USER_INPUT',
    extensions: { protection: 'maxBodyBytes' },
    status: 413,
  },
  {
    name: 'recordNote: empty body',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { body: ' \n ' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'body'],
  },
  {
    name: 'recordNote: null byte in the body',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { body: 'Fine.\u0000' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'body'],
  },
  {
    name: 'recordNote: unknown note kind, given in a variable',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { kind: 'DIARY' }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'recordNote: unknown note kind, written in the query (GraphQL validation)',
    caller: 'worker',
    query: (ids) =>
      `mutation { recordNote(input: { serviceUserId: "${ids.client}", kind: DIARY, body: "Fine." }) { id } }`,
    variables: () => ({}),
    code: 'GRAPHQL_VALIDATION_FAILED',
    status: 400,
  },
  {
    name: "recordNote: another organisation's client id",
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { serviceUserId: ids.foreignClient }),
    code: 'NOT_FOUND',
  },
  {
    name: 'recordNote: a staff id where a service user id is expected',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { serviceUserId: ids.worker }),
    code: 'NOT_FOUND',
  },
  {
    name: 'recordNote: malformed base64 service user id',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { serviceUserId: MALFORMED_ID }),
    code: 'NOT_FOUND',
  },
  {
    name: 'recordNote: handover without a distribution list',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { kind: 'HANDOVER' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'distribution'],
  },
  {
    name: "recordNote: distribution naming another organisation's staff",
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { kind: 'HANDOVER', distribution: [ids.foreignStaff] }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'distribution'],
  },
  {
    name: "recordNote: sealed for another organisation's staff",
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { sealedFor: [ids.foreignStaff] }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'sealedFor'],
  },
  {
    name: 'recordNote: author organisation on a note that is not correspondence',
    caller: 'worker',
    query: RECORD_NOTE,
    variables: (ids) => note(ids, { authorOrganisation: 'Leeds GP surgery' }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'authorOrganisation'],
  },
  // amendNote
  {
    name: 'amendNote: body of 20,001 characters',
    caller: 'worker',
    query: AMEND_NOTE,
    variables: (ids) => ({ input: { noteId: ids.note, body: 'y'.repeat(20_001), expectedVersion: 1 } }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'body'],
  },
  {
    name: 'amendNote: control character in the body',
    caller: 'worker',
    query: AMEND_NOTE,
    variables: (ids) => ({ input: { noteId: ids.note, body: 'Fine.\u001b[2J', expectedVersion: 1 } }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'body'],
  },
  {
    name: 'amendNote: a service user id where a note id is expected',
    caller: 'worker',
    query: AMEND_NOTE,
    variables: (ids) => ({ input: { noteId: ids.client, body: 'Fine.', expectedVersion: 1 } }),
    code: 'NOT_FOUND',
  },
  // allocateWorker
  {
    name: 'allocateWorker: cover allocation without an end',
    caller: 'manager',
    query: ALLOCATE,
    variables: (ids) => ({ input: { serviceUserId: ids.client, staffId: ids.worker, kind: 'COVER' } }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'endsAt'],
  },
  {
    // The policy decides before the input is looked at: a caller who may not allocate learns nothing from it.
    name: 'allocateWorker: cover without an end, from a worker who does not know the person',
    caller: 'stranger',
    query: ALLOCATE,
    variables: (ids) => ({ input: { serviceUserId: ids.client, staffId: ids.worker, kind: 'COVER' } }),
    code: 'NOT_FOUND',
  },
  {
    name: 'allocateWorker: cover ending in the past',
    caller: 'manager',
    query: ALLOCATE,
    variables: (ids) => ({
      input: { serviceUserId: ids.client, staffId: ids.worker, kind: 'COVER', endsAt: anHourAgo() },
    }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'endsAt'],
  },
  {
    name: 'allocateWorker: primary allocation with an end',
    caller: 'manager',
    query: ALLOCATE,
    variables: (ids) => ({
      input: { serviceUserId: ids.client, staffId: ids.worker, kind: 'PRIMARY', endsAt: nextWeek() },
    }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'endsAt'],
  },
  {
    name: "allocateWorker: another organisation's staff member",
    caller: 'manager',
    query: ALLOCATE,
    variables: (ids) => ({
      input: { serviceUserId: ids.client, staffId: ids.foreignStaff, kind: 'PRIMARY' },
    }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'staffId'],
  },
  {
    name: 'allocateWorker: unknown allocation kind, given in a variable',
    caller: 'manager',
    query: ALLOCATE,
    variables: (ids) => ({ input: { serviceUserId: ids.client, staffId: ids.worker, kind: 'TEMPORARY' } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'allocateWorker: end time that is not a date',
    caller: 'manager',
    query: ALLOCATE,
    variables: (ids) => ({
      input: { serviceUserId: ids.client, staffId: ids.worker, kind: 'COVER', endsAt: 'next Tuesday' },
    }),
    code: 'BAD_USER_INPUT',
  },
  // closeCase
  {
    name: 'closeCase: closedAt in the future',
    caller: 'manager',
    query: CLOSE_CASE,
    variables: (ids) => ({ input: { serviceUserId: ids.client, expectedVersion: 1, closedAt: nextWeek() } }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'closedAt'],
  },
  {
    name: "closeCase: another organisation's client id",
    caller: 'manager',
    query: CLOSE_CASE,
    variables: (ids) => ({ input: { serviceUserId: ids.foreignClient, expectedVersion: 1 } }),
    code: 'NOT_FOUND',
  },
  // createService
  {
    name: 'createService: empty name',
    caller: 'admin',
    query: CREATE_SERVICE,
    variables: () => ({ name: '' }),
    code: 'BAD_USER_INPUT',
    field: ['name'],
  },
  {
    name: 'createService: 201-character name',
    caller: 'admin',
    query: CREATE_SERVICE,
    variables: () => ({ name: 'S'.repeat(201) }),
    code: 'BAD_USER_INPUT',
    field: ['name'],
  },
  // addStaffMember
  {
    name: 'addStaffMember: handle with capitals and spaces',
    caller: 'admin',
    query: ADD_STAFF,
    variables: () => ({
      input: { handle: 'Jo Bloggs', displayName: 'Jo Bloggs', roles: ['SUPPORT_WORKER'] },
    }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'handle'],
  },
  {
    name: 'addStaffMember: no roles',
    caller: 'admin',
    query: ADD_STAFF,
    variables: () => ({ input: { handle: 'jo.bloggs', displayName: 'Jo Bloggs', roles: [] } }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'roles'],
  },
  {
    name: 'addStaffMember: null byte in the display name',
    caller: 'admin',
    query: ADD_STAFF,
    variables: () => ({
      input: { handle: 'jo.bloggs', displayName: 'Jo\u0000Bloggs', roles: ['VOLUNTEER'] },
    }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'displayName'],
  },
  // openEmergencyAccess
  {
    name: 'openEmergencyAccess: empty detail',
    caller: 'stranger',
    query: OPEN_EMERGENCY,
    variables: (ids) => ({ c: ids.client, r: 'MEDICAL_EMERGENCY', d: '  ' }),
    code: 'BAD_USER_INPUT',
    field: ['detail'],
  },
  {
    name: 'openEmergencyAccess: unknown reason, given in a variable',
    caller: 'stranger',
    query: OPEN_EMERGENCY,
    variables: (ids) => ({ c: ids.client, r: 'CURIOSITY', d: 'Just looking' }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: "openEmergencyAccess: another organisation's client id",
    caller: 'stranger',
    query: OPEN_EMERGENCY,
    variables: (ids) => ({ c: ids.foreignClient, r: 'MEDICAL_EMERGENCY', d: 'Found unresponsive' }),
    code: 'NOT_FOUND',
  },
  // recordConsent
  {
    name: 'recordConsent: NAMED_AGENCY without the agency',
    caller: 'manager',
    query: RECORD_CONSENT,
    variables: (ids) => ({
      input: { serviceUserId: ids.client, scope: 'NAMED_AGENCY', method: 'SIGNED_FORM', givenBy: 'CLIENT' },
    }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'agencyName'],
  },
  {
    name: 'recordConsent: a representative without a capacity note',
    caller: 'manager',
    query: RECORD_CONSENT,
    variables: (ids) => ({
      input: {
        serviceUserId: ids.client,
        scope: 'FAMILY',
        method: 'SIGNED_FORM',
        givenBy: 'REPRESENTATIVE',
        representativeName: 'Grace Hopper',
      },
    }),
    code: 'BAD_USER_INPUT',
    field: ['input', 'capacityNote'],
  },
];

/** The operation's root field, to check that it alone carries the error. */
function rootField(query: string): string {
  return /\{\s*(\w+)/.exec(query)?.[1] ?? '';
}

describe('malformed input', () => {
  const api = testApi({ tables: ownTablesForFile() });
  let org: TestOrganisation;
  let ids: Ids;
  let callers: Record<Caller, Person | { token: string }>;
  let before: { table: string; item: Item }[];

  beforeAll(async () => {
    const world = await serviceWorld(api);
    org = world.org;
    const foreign = await serviceWorld(api);
    const [worker, stranger, foreignWorker] = await Promise.all([
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, foreign.org, ['SUPPORT_WORKER']),
    ]);
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    await allocate(api, world.manager, client, worker);
    const noteId = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Fine.');
    const foreignClient = await registerServiceUser(api, foreign.manager, foreign.serviceId);
    ids = {
      serviceId: world.serviceId,
      client,
      note: noteId,
      worker: worker.globalId,
      foreignClient,
      foreignStaff: foreignWorker.globalId,
      foreignService: foreign.serviceId,
    };
    callers = { manager: world.manager, worker, admin: world.senior, stranger };
    before = await organisationItems(api, org.orgId, {
      tables: [api.services.config.tables.data, api.services.config.tables.keys],
    });
  });

  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const input of CASES) {
    it(`${input.name} → ${input.code}`, async () => {
      // Act
      const query = typeof input.query === 'string' ? input.query : input.query(ids);
      const result = await api.graphql(query, {
        token: callers[input.caller].token,
        variables: input.variables(ids),
      });

      // Assess
      expect(result.errors, result.text.slice(0, 500)).toHaveLength(1);
      const error = result.errors?.[0];
      expect(error?.extensions?.code, result.text.slice(0, 500)).toBe(input.code);
      if (input.field) expect(error?.extensions?.field).toEqual(input.field);
      if (input.extensions) expect(error?.extensions).toMatchObject(input.extensions);
      if (input.status) expect(result.status).toBe(input.status);
      if (error?.path) expect(error.path).toEqual([rootField(query)]);
      expect(result.data ?? null).toBeNull();
      // A clear message, and nothing internal
      expect(error?.message.length).toBeGreaterThan(10);
      expect(error?.message).not.toMatch(/Something went wrong/);
      expect(result.text).not.toMatch(/\.ts:\d+|stack|DynamoDB|ORG#/);
    });
  }

  it('changes no item of the organisation (data and key tables, audit events aside)', async () => {
    const after = await organisationItems(api, org.orgId, {
      tables: [api.services.config.tables.data, api.services.config.tables.keys],
    });
    // (The snapshot is real: the organisation's profile, staff, client, note and their keys are in it.)
    expect(before.filter((entry) => entry.table === api.services.config.tables.data).length).toBeGreaterThan(
      5,
    );
    expect(before.filter((entry) => entry.table === api.services.config.tables.keys).length).toBeGreaterThan(
      3,
    );
    expect(after.length).toBe(before.length);
    expect(after).toEqual(before);
  });
});

describe('markup in a name', () => {
  const api = testApi();

  it('is accepted as data: stored and returned verbatim, never interpreted or altered', async () => {
    // Prepare
    const world = await serviceWorld(api);
    const name = '<script>alert("pwned")</script> O\'Brien & <b>Sons</b>';

    // Act
    const id = await registerServiceUser(api, world.manager, world.serviceId, { name });
    const read = await api.graphql<{ serviceUser: { name: string } }>(
      'query ($id: ID!) { serviceUser(id: $id) { name } }',
      { token: world.manager.token, variables: { id } },
    );

    // Assess
    expectNoErrors(read);
    expect(read.data?.serviceUser.name).toBe(name);
    expect(JSON.parse(read.text)).toEqual({ data: { serviceUser: { name } } });
  });
});
