import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type ConfideYoga, createApiLogger, createConfideYoga } from '@confide/api';
import { LOCAL_CREDENTIALS } from '@confide/local';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Captured, captureOutput } from '../support/capture-output';
import { onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { localStack, testApi } from '../support/test-api';

/**
 * Issue 17 item 1: nothing a caller sent reaches a log line. Variables that fail coercion carry the submitted value
 * in graphql-js's message and `originalError`; the API's real logger (Powertools, at DEBUG so that it prints
 * everything it would ever say) is read by capturing every write to stdout, stderr and the console while each
 * request runs. Every kind of coercion failure is sent with unique canary strings and numbers; no canary may appear
 * in any log line, nor in the answer, which is still BAD_USER_INPUT naming the variable.
 */

const canary = (label: string) => `CANARY${label}${randomBytes(6).toString('hex')}`;
const canaryNumber = () => 70_000_000_000 + Math.floor(Math.random() * 9_000_000_000);

interface Answer {
  status: number;
  text: string;
  errors: { message: string; extensions?: Record<string, unknown> }[];
}

async function post(yoga: ConfideYoga, token: string, body: unknown): Promise<Answer> {
  const response = await yoga.fetch('http://confide.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, errors: (JSON.parse(text) as Answer).errors ?? [] };
}

const RECORD_NOTE = 'mutation Record($input: RecordNoteInput!) { recordNote(input: $input) { id } }';
const CASELOAD = 'query Caseload($first: Int) { caseload(first: $first) { edges { cursor } } }';
const NODES = 'query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id } }';

interface Case {
  readonly name: string;
  readonly query: string;
  readonly variable: string;
  /** Builds the variables from fresh canaries, which it also returns. */
  build(): { variables: Record<string, unknown>; canaries: (string | number)[] };
}

const noteInput = (overrides: Record<string, unknown>) => ({
  serviceUserId: 'c2VydmljZVVzZXI6eA',
  kind: 'DAILY_SUPPORT',
  body: 'fine',
  ...overrides,
});

const cases: Case[] = [
  {
    name: 'a String sent as an object',
    query: RECORD_NOTE,
    variable: 'input',
    build() {
      const [a, b] = [canary('patient'), canary('diagnosis')];
      return { variables: { input: noteInput({ body: { patient: a, diagnosis: b } }) }, canaries: [a, b] };
    },
  },
  {
    name: 'a String sent as a list of numbers',
    query: RECORD_NOTE,
    variable: 'input',
    build() {
      const n = canaryNumber();
      return { variables: { input: noteInput({ body: [n, n + 1] }) }, canaries: [n, n + 1] };
    },
  },
  {
    name: 'an enum given free text',
    query: RECORD_NOTE,
    variable: 'input',
    build() {
      const a = canary('enum');
      return { variables: { input: noteInput({ kind: a }) }, canaries: [a] };
    },
  },
  {
    name: 'an input object with an extra field (its name and value are canaries)',
    query: RECORD_NOTE,
    variable: 'input',
    build() {
      const [key, value] = [canary('key'), canary('value')];
      return { variables: { input: noteInput({ [key]: value }) }, canaries: [key, value] };
    },
  },
  {
    name: 'a whole input object given as a string',
    query: RECORD_NOTE,
    variable: 'input',
    build() {
      const a = canary('wholeinput');
      return { variables: { input: a }, canaries: [a] };
    },
  },
  {
    name: 'a Boolean given free text',
    query: RECORD_NOTE,
    variable: 'input',
    build() {
      const a = canary('bool');
      return { variables: { input: noteInput({ withheldFromSubject: a }) }, canaries: [a] };
    },
  },
  {
    name: 'a list of IDs given objects',
    query: RECORD_NOTE,
    variable: 'input',
    build() {
      const a = canary('listitem');
      return { variables: { input: noteInput({ distribution: ['x', { name: a }] }) }, canaries: [a] };
    },
  },
  {
    name: 'an Int given free text',
    query: CASELOAD,
    variable: 'first',
    build() {
      const a = canary('int');
      return { variables: { first: a }, canaries: [a] };
    },
  },
  {
    name: 'an Int given a number beyond 32 bits',
    query: CASELOAD,
    variable: 'first',
    build() {
      const n = canaryNumber();
      return { variables: { first: n }, canaries: [n] };
    },
  },
  {
    name: 'an Int given a fraction',
    query: CASELOAD,
    variable: 'first',
    build() {
      const n = Number(`3.${String(canaryNumber())}`);
      return { variables: { first: n }, canaries: [String(n).slice(2)] };
    },
  },
  {
    name: 'a list of IDs given objects and booleans',
    query: NODES,
    variable: 'ids',
    build() {
      const a = canary('ids');
      return { variables: { ids: [{ nhsNumber: a }, true] }, canaries: [a] };
    },
  },
];

describe('variables that fail coercion leave no trace of their value', () => {
  const api = testApi();
  let yoga: ConfideYoga;
  let org: TestOrganisation;
  let capture: Captured | undefined;

  beforeAll(async () => {
    yoga = createConfideYoga(api.services, { logger: createApiLogger('test', 'DEBUG') });
    org = await onboardTestOrganisation(api);
  });

  beforeEach(() => {
    capture = captureOutput();
  });

  afterEach(() => {
    capture?.stop();
    capture = undefined;
  });

  for (const testCase of cases) {
    it(`${testCase.name}: BAD_USER_INPUT naming $${testCase.variable}, no canary in any log line or in the answer`, async () => {
      const { variables, canaries } = testCase.build();
      const answer = await post(yoga, org.adminToken, { query: testCase.query, variables });
      const lines = capture?.lines ?? [];
      capture?.stop();

      for (const value of canaries) {
        for (const line of lines) expect(line).not.toContain(String(value));
        expect(answer.text).not.toContain(String(value));
      }
      expect(answer.errors.map((error) => error.extensions?.code)).toEqual(
        answer.errors.map(() => 'BAD_USER_INPUT'),
      );
      expect(answer.errors.length).toBeGreaterThan(0);
      expect(answer.errors[0]?.message).toContain(`$${testCase.variable}`);
      expect(answer.errors[0]?.extensions?.variable).toBe(testCase.variable);
    });
  }
});

describe('an unexpected fault is logged with its name and code, never its message', () => {
  let failing: string | undefined;
  const stack = localStack();
  const dynamo = new DynamoDBClient({
    region: stack.region,
    endpoint: stack.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      if (failing) {
        const error = new Error(`Item {"name":"${failing}"} could not be read`);
        error.name = 'InjectedFault';
        throw error;
      }
      return next(args);
    },
    { step: 'initialize', name: 'confideLogCanaryFault' },
  );
  const api = testApi({ dynamo });

  it('INTERNAL to the caller; the log line names InjectedFault and INTERNAL and holds no canary', async () => {
    const org = await onboardTestOrganisation(api);
    const yoga = createConfideYoga(api.services, { logger: createApiLogger('test', 'DEBUG') });
    const value = canary('fault');
    failing = value;
    const capture = captureOutput();
    let answer: Answer;
    try {
      answer = await post(yoga, org.adminToken, { query: '{ me { kind } }' });
    } finally {
      capture.stop();
      failing = undefined;
    }

    const logged = capture.lines.join('\n');
    expect(answer.errors.map((error) => error.extensions?.code)).toContain('INTERNAL');
    expect(answer.text).not.toContain(value);
    expect(logged).toContain('InjectedFault');
    expect(logged).toContain('INTERNAL');
    expect(logged).not.toContain(value);
  });
});
