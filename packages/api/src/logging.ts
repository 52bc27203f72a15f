import { Logger } from '@aws-lambda-powertools/logger';
import { ConfideError, ErrorCode } from '@confide/domain';
import { GraphQLError } from 'graphql';

/**
 * Structured logs (Powertools). Nothing personal is ever logged: only error classes, codes and the SDK's
 * own messages (which carry no item values), never variables, tokens or resolved data.
 */
export function createApiLogger(stage: string): Logger {
  return new Logger({
    serviceName: 'confide-api',
    logLevel: stage === 'test' ? 'SILENT' : 'INFO',
    persistentKeys: { stage },
  });
}

/** What may be said in a log about an error: its kind, code and, for unexpected faults, the stack. */
export function describeErrorForLog(error: unknown): Record<string, unknown> {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof ConfideError) return { errorName: original.name, code: original.code };
  if (original instanceof Error) {
    return {
      errorName: original.name,
      code: ErrorCode.INTERNAL,
      message: original.message,
      stack: original.stack,
      ...(original.cause instanceof Error
        ? { cause: original.cause.name, causeMessage: original.cause.message }
        : {}),
    };
  }
  return { errorName: typeof original, code: ErrorCode.INTERNAL };
}

/** Adapts the logger to yoga: expected domain errors are debug, everything else an error. */
export function yogaLogger(logger: Logger) {
  const isExpected = (value: unknown) => {
    // Request errors (malformed query, no query, validation) describe the caller's request, not a fault.
    if (value instanceof GraphQLError && !value.originalError) return true;
    const original = value instanceof GraphQLError ? value.originalError : value;
    return original instanceof ConfideError && original.code !== ErrorCode.INTERNAL;
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) => logger.warn('graphql warning', { details: args.map(describeErrorForLog) }),
    error: (...args: unknown[]) => {
      for (const arg of args) {
        if (isExpected(arg)) continue;
        logger.error('graphql request failed', describeErrorForLog(arg));
      }
    },
  };
}
