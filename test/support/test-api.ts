import {
  type ConfideServices,
  type ConfideYoga,
  configFromEnv,
  createConfideYoga,
  createServices,
  type ServiceOverrides,
} from '@confide/api';
import { type LocalStackInfo, localStackEnv, mintToken, type TokenClaims } from '@confide/local';
import { inject } from 'vitest';

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
 * `yoga.fetch` exactly as the HTTP server and the Lambda adapter call it.
 */
export function testApi(overrides: ServiceOverrides & { env?: Record<string, string> } = {}): TestApi {
  const stack = localStack();
  const config = configFromEnv({ ...process.env, ...localStackEnv(stack), ...overrides.env });
  const services = createServices(config, overrides);
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
