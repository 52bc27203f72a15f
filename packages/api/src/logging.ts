import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { ConfideError, ErrorCode } from '@confide/domain';
import { GraphQLError, Kind } from 'graphql';

/**
 * Structured logs (Powertools). Nothing a caller sent and nothing personal is ever logged: an error is described by
 * its class name, code and safe structural facts (the response path, the variable's name, the AWS SDK's status and
 * request id, the stack's frames), never by its message, its stack's first line or its cause's message, which can
 * echo input (graphql-js puts a variable's submitted value in its coercion message; issue 17 item 1, decision 0026).
 */
export function createApiLogger(stage: string, logLevel?: LogLevel): Logger {
  return new Logger({
    serviceName: 'confide-api',
    logLevel: logLevel ?? (stage === 'test' ? 'SILENT' : 'INFO'),
    persistentKeys: { stage },
  });
}

const MAX_FRAMES = 8;
const MAX_CAUSES = 5;
/** A stack frame as V8 prints it: `at fn (file:line:col)`, `at file:line:col`, `at async fn (…)`, `at new C (…)`. */
const FRAME = /^at [^\n]{1,300}$/;

/**
 * The frames of an error's stack, without its first line(s): everything up to the last occurrence of the message is
 * dropped, so a message (even one spanning lines that look like frames) never survives into the log.
 */
function framesOf(error: Error): string[] | undefined {
  const { stack, message } = error;
  if (typeof stack !== 'string') return undefined;
  const end = message ? stack.lastIndexOf(message) : stack.indexOf('\n');
  if (end < 0) return undefined;
  const frames = stack
    .slice(end + (message ? message.length : 0))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => FRAME.test(line))
    .slice(0, MAX_FRAMES);
  return frames.length > 0 ? frames : undefined;
}

/** The variable a coercion error is about: graphql-js points such errors at the variable's definition. */
function variableOf(error: GraphQLError): string | undefined {
  const node = error.nodes?.[0];
  return node?.kind === Kind.VARIABLE_DEFINITION ? node.variable.name.value : undefined;
}

/** Whether an error chain holds nothing but graphql-js's own errors (a request error, not a fault). */
function onlyGraphqlErrors(error: GraphQLError): boolean {
  let current: Error | undefined = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (!(current instanceof GraphQLError)) return false;
    current = current.originalError ?? undefined;
  }
  return current === undefined;
}

function sdkFactsOf(error: Error): Record<string, unknown> {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown; requestId?: unknown } }).$metadata;
  const fault = (error as { $fault?: unknown }).$fault;
  return {
    ...(typeof metadata?.httpStatusCode === 'number' ? { httpStatusCode: metadata.httpStatusCode } : {}),
    ...(typeof metadata?.requestId === 'string' ? { awsRequestId: metadata.requestId.slice(0, 100) } : {}),
    ...(fault === 'client' || fault === 'server' ? { fault } : {}),
  };
}

function causesOf(error: Error): string[] | undefined {
  const names: string[] = [];
  let current = error.cause;
  while (current instanceof Error && names.length < MAX_CAUSES) {
    names.push(current.name);
    current = current.cause;
  }
  return names.length > 0 ? names : undefined;
}

/** What may be said in a log about an error: its kind, its code and structural facts; never its message. */
export function describeErrorForLog(error: unknown): Record<string, unknown> {
  const graphql = error instanceof GraphQLError ? error : undefined;
  const structural = {
    ...(graphql?.path ? { path: graphql.path.join('.') } : {}),
    ...(graphql && variableOf(graphql) ? { variable: variableOf(graphql) } : {}),
  };
  if (graphql && onlyGraphqlErrors(graphql)) {
    return { errorName: graphql.name, code: ErrorCode.BAD_USER_INPUT, ...structural };
  }
  const original = graphql ? (graphql.originalError ?? graphql) : error;
  if (original instanceof ConfideError) {
    return {
      errorName: original.name,
      code: original.code,
      ...structural,
      ...(original.code === ErrorCode.INTERNAL
        ? { frames: framesOf(original), causes: causesOf(original) }
        : {}),
    };
  }
  if (original instanceof Error) {
    return {
      errorName: original.name,
      code: ErrorCode.INTERNAL,
      ...structural,
      ...sdkFactsOf(original),
      frames: framesOf(original),
      causes: causesOf(original),
    };
  }
  return { errorName: typeof original, code: ErrorCode.INTERNAL, ...structural };
}

/**
 * Adapts the logger to yoga. Request errors (malformed query, validation, variable coercion) and expected domain
 * errors are the caller's, logged at DEBUG; everything else is a fault, logged at ERROR. Yoga's own informational
 * messages are dropped: they may quote the request.
 */
export function yogaLogger(logger: Logger) {
  const isExpected = (value: unknown) => {
    if (value instanceof GraphQLError && onlyGraphqlErrors(value)) return true;
    const original = value instanceof GraphQLError ? value.originalError : value;
    return original instanceof ConfideError && original.code !== ErrorCode.INTERNAL;
  };
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) =>
      logger.warn('graphql warning', {
        details: args.filter((arg) => typeof arg === 'object' && arg !== null).map(describeErrorForLog),
      }),
    error: (...args: unknown[]) => {
      for (const arg of args) {
        if (typeof arg !== 'object' || arg === null) continue;
        if (isExpected(arg)) logger.debug('graphql request refused', describeErrorForLog(arg));
        else logger.error('graphql request failed', describeErrorForLog(arg));
      }
    },
  };
}
