import { ConfideError, ErrorCode } from '@confide/domain';
import { GraphQLError } from 'graphql';

/**
 * The one place errors leave the server. A {@link ConfideError} keeps its code, message and input path;
 * anything else — SDK faults, key failures, bugs — becomes `INTERNAL` with a fixed message, so no stack
 * trace, internal message or personal data ever reaches the client.
 */
export function maskError(error: unknown): GraphQLError {
  const original = error instanceof GraphQLError ? (error.originalError ?? undefined) : error;
  const domain = findConfideError(original);
  const base = error instanceof GraphQLError ? error : undefined;
  if (domain) {
    return new GraphQLError(domain.message, {
      ...(base?.nodes ? { nodes: base.nodes } : {}),
      ...(base?.path ? { path: base.path } : {}),
      extensions: {
        code: domain.code,
        ...(domain.field ? { field: domain.field } : {}),
        ...(domain.details ?? {}),
        ...(domain.code === ErrorCode.UNAUTHENTICATED ? { http: { status: 401 } } : {}),
      },
    });
  }
  const variableError = base !== undefined && !base.path && (base.nodes?.length ?? 0) > 0;
  if (base && (!base.originalError || variableError)) {
    // Parse, validation and variable-coercion errors from graphql-js (raised before execution, pointing at the
    // request's own nodes) are safe to show: they describe the request only.
    return new GraphQLError(base.message, {
      ...(base.nodes ? { nodes: base.nodes } : {}),
      ...(base.path ? { path: base.path } : {}),
      extensions: { ...base.extensions, code: base.extensions.code ?? ErrorCode.BAD_USER_INPUT },
    });
  }
  return new GraphQLError('Something went wrong; nothing was changed.', {
    ...(base?.nodes ? { nodes: base.nodes } : {}),
    ...(base?.path ? { path: base.path } : {}),
    extensions: { code: ErrorCode.INTERNAL },
  });
}

function findConfideError(error: unknown): ConfideError | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof ConfideError) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}
