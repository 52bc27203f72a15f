import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ConfideError, ErrorCode } from '@confide/domain';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { RequestAccess } from './access/request-access';
import { auditFlushPlugin, purposeDirectivePlugin } from './access/request-plugins';
import { Authenticator } from './authentication';
import type { ConfideContext } from './context';
import { maskError, variableCoercionPlugin } from './errors';
import { hardeningPlugins } from './hardening';
import { createApiLogger, yogaLogger } from './logging';
import { schema } from './schema';
import type { ConfideServices } from './services';

export type ConfideYoga = YogaServerInstance<Record<string, unknown>, ConfideContext>;

const MAX_PURPOSE_LENGTH = 500;

/**
 * The GraphQL server, the same instance behind the Lambda handler and the local HTTP server. Authentication
 * runs once per request while the context is built; a missing or bad token does not fail the request
 * outright, so each protected field answers `UNAUTHENTICATED` on its own path.
 */
export interface ConfideYogaOptions {
  /** The structured logger (tests pass one at a level that prints, to read what it would say). */
  readonly logger?: Logger;
}

export function createConfideYoga(services: ConfideServices, options: ConfideYogaOptions = {}): ConfideYoga {
  const authenticator = new Authenticator(services);
  return createYoga<Record<string, unknown>, ConfideContext>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: services.config.introspection ? { title: 'Confide' } : false,
    landingPage: false,
    logging: yogaLogger(options.logger ?? createApiLogger(services.config.stage)),
    plugins: [
      variableCoercionPlugin(),
      ...hardeningPlugins(services.config),
      purposeDirectivePlugin(),
      auditFlushPlugin(),
    ],
    maskedErrors: { maskError: (error) => maskError(error) },
    context: async ({ request }): Promise<ConfideContext> => {
      const requestId = request.headers.get('x-request-id')?.slice(0, 100) ?? randomUUID();
      const purposeHeader = request.headers.get('x-access-purpose')?.trim();
      const purpose = purposeHeader ? purposeHeader.slice(0, MAX_PURPOSE_LENGTH) : undefined;
      try {
        const auth = await authenticator.authenticate(request.headers.get('authorization'));
        const access = new RequestAccess(services, auth, purpose, requestId);
        return { requestId, services, auth, authError: undefined, purpose, access };
      } catch (error) {
        if (error instanceof ConfideError && error.code === ErrorCode.UNAUTHENTICATED) {
          const access = new RequestAccess(services, undefined, purpose, requestId);
          return { requestId, services, auth: undefined, authError: error, purpose, access };
        }
        throw error;
      }
    },
  });
}
