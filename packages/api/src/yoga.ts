import type { Logger } from '@aws-lambda-powertools/logger';
import { ConfideError, ErrorCode } from '@confide/domain';
import {
  type CORSOptions,
  createYoga,
  type GraphiQLOptions,
  type Plugin,
  type YogaServerInstance,
} from 'graphql-yoga';
import { RequestAccess } from './access/request-access';
import { auditFlushPlugin, purposeDirectivePlugin } from './access/request-plugins';
import { type Authenticated, Authenticator, type VerifiedToken } from './authentication';
import { type ConfideContext, requestIdentity } from './context';
import { maskError, variableCoercionPlugin } from './errors';
import { hardeningPlugins } from './hardening';
import { createApiLogger, yogaLogger } from './logging';
import { countErrorMetrics } from './metrics-errors';
import * as runtimeFetchAPI from './runtime-fetch';
import { schema } from './schema';
import type { ConfideServices } from './services';
import { TRUSTED_DOCUMENTS, trustedDocumentsPlugin } from './trusted-documents';

export type ConfideYoga = YogaServerInstance<Record<string, unknown>, ConfideContext>;

/**
 * The GraphQL server, the same instance behind the Lambda handler and the local HTTP server. Authentication
 * runs once per request while the context is built; a missing or bad token does not fail the request
 * outright, so each protected field answers `UNAUTHENTICATED` on its own path.
 */
export interface ConfideYogaOptions {
  /** The structured logger (tests pass one at a level that prints, to read what it would say). */
  readonly logger?: Logger;
  /**
   * The local server's GraphiQL (where introspection is on): its page rendered with locally served assets
   * (`@graphql-yoga/render-graphiql`, never in the Lambda bundle: yoga's default loads them from a CDN), and the
   * headers and first query it opens with, read when the page is served.
   */
  readonly graphiql?: {
    readonly render: (options: GraphiQLOptions) => string;
    readonly defaults: () => Pick<GraphiQLOptions, 'headers' | 'defaultQuery'>;
  };
  /**
   * Start fetching the token issuer's signing keys now (a Lambda's init), so that the first request's verification
   * does not wait for them after the module has loaded: the fetch overlaps the rest of the cold start.
   */
  readonly prefetchSigningKeys?: boolean;
}

export function createConfideYoga(services: ConfideServices, options: ConfideYogaOptions = {}): ConfideYoga {
  const authenticator = new Authenticator(services);
  if (options.prefetchSigningKeys) authenticator.prefetchSigningKeys();
  const logger = options.logger ?? createApiLogger(services.config.stage);
  return createYoga<Record<string, unknown>, ConfideContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: services.config.introspection
      ? () => ({ title: 'Confide', ...options.graphiql?.defaults() })
      : false,
    ...(options.graphiql ? { renderGraphiQL: options.graphiql.render } : {}),
    landingPage: false,
    // The runtime's fetch classes, as the Lambda bundles have them (decision 0110).
    fetchAPI: runtimeFetchAPI,
    // The body cap is hardening.ts' (a 413 with `protection: maxBodyBytes`). yoga's own 25 MB cap would put every
    // body through a second counting stream and a second Request, even one whose Content-Length it has just checked.
    maxRequestBodySize: false,
    // A registered document may be named by id instead of sent in full (trusted documents, decision 0036).
    extraParamNames: ['documentId'],
    logging: yogaLogger(logger),
    plugins: [
      jsonPostOnlyPlugin('/graphql'),
      trustedDocumentsPlugin(TRUSTED_DOCUMENTS, { trustedOnly: services.config.trustedDocumentsOnly }),
      variableCoercionPlugin(),
      ...hardeningPlugins(services.config),
      purposeDirectivePlugin(),
      auditFlushPlugin(logger),
    ],
    maskedErrors: {
      maskError: (error) => {
        countErrorMetrics(error);
        return maskError(error);
      },
    },
    cors: (request) => corsFor(request, services.config.corsOrigins),
    context: async (initial): Promise<ConfideContext> => {
      const { request } = initial;
      // The audit's request id is the platform's (API Gateway's, passed by the Lambda adapter as `event`) or
      // generated, never the caller's x-request-id, which is kept only as a bounded correlation id (issue 17 item 2).
      const { requestId, correlationId } = requestIdentity(
        request,
        initial as Parameters<typeof requestIdentity>[1],
      );
      // Its length is checked before execution, with the `@purpose` directive's (purposeDirectivePlugin).
      const purpose = request.headers.get('x-access-purpose')?.trim() || undefined;
      const state: { auth?: Authenticated; error?: Error } = {};
      const access = new RequestAccess(services, () => state.auth, purpose, correlationId, requestId);
      const base = { requestId, correlationId, services, purpose, access };
      let token: VerifiedToken;
      try {
        token = await authenticator.verify(request.headers.get('authorization'));
      } catch (error) {
        if (!(error instanceof ConfideError && error.code === ErrorCode.UNAUTHENTICATED)) throw error;
        return {
          ...base,
          auth: undefined,
          authError: error,
          authenticating: Promise.resolve(),
          claimedOrgId: undefined,
          claimedStaffId: undefined,
        };
      }
      // The login lookup (organisation, identity, staff) goes out through the request's loader without being
      // awaited here: the root fields start their reads of the token's organisation at once, so both travel in
      // one BatchGetItem, and each root field awaits `authenticating` before it decides or returns anything.
      // `initial` is the context object being built (envelop extends it with what this returns), so the outcome is
      // written onto it when it arrives.
      const settle = (auth: Authenticated | undefined, error: Error | undefined) => {
        state.auth = auth;
        state.error = error;
        Object.assign(initial, { auth, authError: error });
      };
      const authenticating = authenticator.principalOf(token, access.loader).then(
        (auth) => settle(auth, undefined),
        (error: unknown) =>
          settle(undefined, error instanceof Error ? error : new Error('Authentication failed.')),
      );
      const claimedOrgId = authenticator.claimedOrganisation(token);
      // A process's first request for an organisation readies its audit chain beside the reads (cold start).
      if (claimedOrgId) services.auditLog.prepare(claimedOrgId);
      return {
        ...base,
        auth: state.auth,
        authError: state.error,
        authenticating,
        claimedOrgId,
        claimedStaffId: authenticator.claimedStaff(token),
      };
    },
  });
}

/** Headers a console may send cross-origin. */
const CORS_HEADERS = ['authorization', 'content-type', 'accept', 'x-access-purpose', 'x-request-id'];

/**
 * CORS for the configured console origins only (issue 17 item 6b): their own origin, POST, the API's headers, never
 * credentials (bearer tokens, no cookies). Any other origin gets no CORS headers at all, so browsers keep its pages
 * from reading answers.
 */
function corsFor(request: Request, origins: readonly string[]): CORSOptions | false {
  const origin = request.headers.get('origin');
  if (!origin || !origins.includes(origin)) return false;
  return {
    origin: [origin],
    methods: ['POST'],
    allowedHeaders: CORS_HEADERS,
    credentials: false,
    maxAge: 600,
  };
}

function refusal(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(
    JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.BAD_USER_INPUT } }] }),
    {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    },
  );
}

/**
 * A GraphQL request travels only as a JSON POST body (issue 17 item 6a, decision 0026). A GET that carries anything
 * in its URL is refused with 405 before it is parsed, so search arguments (names, NHS numbers) never travel in URLs,
 * browser histories or access logs; a bare GET still reaches GraphiQL where it is on. A POST whose body is not
 * `application/json` (form-encoded, multipart, `application/graphql`, text) is refused with 415: browsers send those
 * cross-origin without asking first.
 */
function jsonPostOnlyPlugin(endpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      // GraphQL is served at exactly this path. yoga would also take `/graphql/` and any URL that merely ends in
      // `/graphql` (a query string included), where none of the checks below would run: nothing else is served here.
      if (url.pathname !== endpoint) {
        endResponse(new Response(null, { status: 404 }));
        return;
      }
      const method = request.method.toUpperCase();
      if ((method === 'GET' || method === 'HEAD') && url.search !== '') {
        endResponse(
          refusal(405, 'GraphQL requests are sent as a JSON POST body, not in the URL.', { allow: 'POST' }),
        );
        return;
      }
      if (method === 'POST') {
        const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
        if (mediaType !== 'application/json') {
          endResponse(refusal(415, 'The request body must be application/json.'));
        }
      }
    },
  };
}
