import { ConfideError, ErrorCode } from '@confide/domain';
import {
  coerceInputValue,
  type DocumentNode,
  GraphQLError,
  isInputType,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  print,
  typeFromAST,
  type VariableDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The codes the SDL publishes (`ErrorCode`): the only ones an answer carries. */
const PUBLISHED_CODES: ReadonlySet<unknown> = new Set(Object.values(ErrorCode));

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
  const variable = base ? variableDefinitionOf(base) : undefined;
  if (base && variable && base.originalError && !base.extensions.code) {
    // A variable that failed coercion: graphql-js's message quotes the submitted value, which may be personal data
    // (issue 17 item 1). The answer names the variable and its type only; variableCoercionPlugin names the path.
    return invalidVariable(variable);
  }
  if (base && (!base.originalError || variable)) {
    // Parse and validation errors from graphql-js (raised before execution, pointing at the request's own nodes)
    // describe the document only.
    // yoga's own request errors (a body that is not JSON, not an object) have fixed messages but carry the
    // parser's error, which quotes the body, in `extensions.originalError` (issue 17 item 8): never passed on.
    // yoga answers such a body 400 even to `application/json` only while that extension is there: say it plainly.
    const { originalError: parserError, ...extensions } = base.extensions;
    // yoga's own codes (BAD_REQUEST, OPERATION_RESOLUTION_FAILURE for an operation it cannot pick) are the
    // request's fault, and not in the published ErrorCode: BAD_USER_INPUT.
    const code = PUBLISHED_CODES.has(extensions.code) ? extensions.code : ErrorCode.BAD_USER_INPUT;
    return new GraphQLError(base.message, {
      ...(base.nodes ? { nodes: base.nodes } : {}),
      ...(base.path ? { path: base.path } : {}),
      extensions: { ...extensions, code, ...(parserError ? { http: { status: 400 } } : {}) },
    });
  }
  return new GraphQLError('Something went wrong on the server; read the record again before retrying.', {
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

function variableDefinitionOf(error: GraphQLError): VariableDefinitionNode | undefined {
  const node = error.nodes?.[0];
  return !error.path && node?.kind === Kind.VARIABLE_DEFINITION ? node : undefined;
}

/** The fixed answer for a variable whose value does not fit its type: its name, type and, if known, the path in it. */
function invalidVariable(definition: VariableDefinitionNode, at?: string): GraphQLError {
  const name = definition.variable.name.value;
  const type = print(definition.type);
  return new GraphQLError(
    `Variable "$${name}" got an invalid value${at ? ` at "${at}"` : ''}; expected type "${type}".`,
    {
      nodes: [definition],
      extensions: {
        code: ErrorCode.BAD_USER_INPUT,
        variable: name,
        ...(at ? { field: at } : {}),
        // A request error (GraphQL over HTTP): 400 for application/graphql-response+json, 200 for application/json.
        http: { status: 400, spec: true },
      },
    },
  );
}

/** `input.items[2].body` from graphql-js's coercion path (field names from the schema, list indexes). */
function pathText(name: string, path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${key}`),
    name,
  );
}

/**
 * Coerces the operation's variables before graphql-js does, to answer a value that does not fit its type with a
 * fixed message naming the variable and the path inside it (from the schema's own field names and list indexes),
 * never the submitted value. Variables that are missing or null where required are left to graphql-js, whose
 * messages quote no value.
 */
export function variableCoercionPlugin(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const document: DocumentNode = args.document;
      const operation = document.definitions.find(
        (definition): definition is OperationDefinitionNode =>
          definition.kind === Kind.OPERATION_DEFINITION &&
          (!args.operationName || definition.name?.value === args.operationName),
      );
      const given: Record<string, unknown> = (args.variableValues as Record<string, unknown> | null) ?? {};
      const errors: GraphQLError[] = [];
      for (const definition of operation?.variableDefinitions ?? []) {
        const name = definition.variable.name.value;
        const type = typeFromAST(args.schema, definition.type);
        if (!type || !isInputType(type) || !Object.hasOwn(given, name)) continue;
        const value = given[name];
        if (value === null && isNonNullType(type)) continue;
        let first: string | undefined;
        coerceInputValue(value, type, (path) => {
          first ??= pathText(name, path);
        });
        if (first !== undefined) errors.push(invalidVariable(definition, first === name ? undefined : first));
      }
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
