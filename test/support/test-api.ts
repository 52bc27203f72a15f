import { randomBytes } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import {
  type ConfideServices,
  type ConfideYoga,
  configFromEnv,
  createConfideYoga,
  createServices,
  type ServiceOverrides,
} from '@confide/api';
import {
  ensureTables,
  type LocalStackInfo,
  localStackEnv,
  mintToken,
  seedOperators,
  type TokenClaims,
} from '@confide/local';
import { afterAll, beforeAll, inject } from 'vitest';

export interface GraphqlResult<D = Record<string, unknown>> {
  status: number;
  data: D | null | undefined;
  errors: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] | undefined;
  text: string;
}

export interface TestApi {
  readonly stack: LocalStackInfo;
  readonly services: ConfideServices;
  readonly yoga: ConfideYoga;
  graphql<D = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> },
  ): Promise<GraphqlResult<D>>;
  token(
    claims: TokenClaims,
    settings?: { issuer?: string; audience?: string; expiresIn?: string | number },
  ): Promise<string>;
  /** A platform operator's token; `operatorId` names another operator (two-operator offboarding). */
  operatorToken(operatorId?: string): Promise<string>;
  /** A second platform operator's token, for approving what the first asked for. */
  secondOperatorToken(): Promise<string>;
}

/** The shared local stack, as the global setup started it; also points the AWS SDK at it. */
export function localStack(): LocalStackInfo {
  const stack = inject('localStack');
  Object.assign(process.env, localStackEnv(stack));
  return stack;
}

/**
 * An in-process API wired to the shared local stack through the real SDK clients, called with
 * `yoga.fetch` exactly as the HTTP server and the Lambda adapter call it. With `tables` ({@link ownTables}), its
 * data and key tables are those instead of the stack's (`stack.tables` says so too).
 */
export function testApi(
  overrides: ServiceOverrides & { env?: Record<string, string>; tables?: LocalStackInfo['tables'] } = {},
): TestApi {
  const { tables, ...serviceOverrides } = overrides;
  const shared = localStack();
  const stack = tables ? { ...shared, tables } : shared;
  const config = configFromEnv({ ...process.env, ...localStackEnv(stack), ...overrides.env });
  const services = createServices(config, serviceOverrides);
  const yoga = createConfideYoga(services);
  const token: TestApi['token'] = (claims, settings = {}) =>
    mintToken(
      stack.dataDir,
      {
        issuer: settings.issuer ?? stack.issuer,
        audience: settings.audience ?? stack.audience,
        ...(settings.expiresIn === undefined ? {} : { expiresIn: settings.expiresIn }),
      },
      claims,
    );
  return {
    stack,
    services,
    yoga,
    token,
    operatorToken: (operatorId = 'operator-1') =>
      token({ sub: operatorId, 'cognito:groups': ['confide-operators'] }),
    secondOperatorToken: () => token({ sub: 'operator-2', 'cognito:groups': ['confide-operators'] }),
    async graphql(query, options = {}) {
      const response = await yoga.fetch('http://confide.test/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ query, variables: options.variables ?? {} }),
      });
      const text = await response.text();
      const body = JSON.parse(text) as { data?: unknown; errors?: GraphqlResult['errors'] };
      return { status: response.status, data: body.data as never, errors: body.errors, text };
    },
  };
}

/**
 * Names for a data and a key table of a test file's own on the shared DynamoDB Local, for `testApi({ tables })`;
 * {@link createOwnTables} creates them. For tests whose work grows with the table rather than with their own data:
 * the local TTL sweep scans the whole table, and the shared table holds everything the rest of the suite wrote (a
 * retention test took 7 s alone and 150 s in the suite). And for tests that read a stream: the shared data table has
 * none (decision 0058); these tables have the product's, as the local stack creates them.
 */
export function ownTables(): LocalStackInfo['tables'] {
  const id = randomBytes(6).toString('hex');
  return { data: `confide-test-${id}-data`, keys: `confide-test-${id}-keys` };
}

/**
 * Creates the api's tables as the local stack creates its own (the same design, stream and TTL setting, and the
 * platform operators seeded; `dataStream: false` leaves the data table's stream out); returns a function that deletes
 * them.
 */
export async function createOwnTables(
  api: TestApi,
  options: { dataStream?: boolean } = {},
): Promise<() => Promise<void>> {
  const { dynamo } = api.services;
  await ensureTables(dynamo, api.stack.tables, options);
  await seedOperators(dynamo, api.stack.tables.data, api.stack.stage);
  return async () => {
    for (const table of [api.stack.tables.data, api.stack.tables.keys]) {
      await dynamo.send(new DeleteTableCommand({ TableName: table }));
    }
  };
}

/**
 * Tables of the file's (or describe block's) own, created before its tests and deleted after them, for
 * `testApi({ tables })`. For tests that read every item of their organisation (organisationItems): a Scan costs
 * DynamoDB Local in proportion to the table it walks, and late in a run the shared table holds about 84,000 items
 * (56 MB) of everything the suite wrote, about a JVM CPU-second a scan. Without a stream (decision 0058): each
 * request to a table with one makes DynamoDB Local walk the stream records written before it.
 */
export function ownTablesForFile(): LocalStackInfo['tables'] {
  const tables = ownTables();
  let remove: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    remove = await createOwnTables(testApi({ tables }), { dataStream: false });
  });
  afterAll(async () => {
    await remove?.();
  });
  return tables;
}
