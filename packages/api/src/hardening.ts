import { badInput, ErrorCode, validate } from '@confide/domain';
import { MAX_RELEASED_ITEMS } from '@confide/store';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { PothosValidationError } from '@pothos/core';
import {
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValidationContext,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ConfideConfig, RequestLimits } from './config';
import type { ConfideContext } from './context';
import { rateLimitPlugin } from './rate-limit';
import { PAGE_SIZE } from './schema/store-paging';

/**
 * Protections from GraphQL abuse (DESIGN.md, GraphQL API conventions; decision 0009):
 *
 * - depth, alias, directive, token and cost limits (graphql-armor), checked while parsing and validating, before
 *   any resolver, DynamoDB or KMS call;
 * - introspection refused when the stage turns it off (prod);
 * - field suggestions ("Did you mean …?") removed from every error message;
 * - a request body cap (HTTP 413) and no batched (JSON array) requests;
 * - the per-organisation rate limit ({@link rateLimitPlugin}), once the caller is authenticated.
 *
 * Every refusal is a `BAD_USER_INPUT` error (the rate limit: `RATE_LIMITED`) whose `extensions.protection` names the
 * protection, so a partner can tell which limit a request hit; nothing is executed and the process stays healthy.
 */
export function hardeningPlugins(config: ConfideConfig): Plugin<ConfideContext>[] {
  return [
    bodyLimitPlugin(config.limits.maxBodyBytes),
    noBatchingPlugin(),
    tokenLimitPlugin(config.limits.maxTokens),
    shapeLimitsPlugin(config.limits),
    requestInputPlugin(config.limits.maxCost),
    ...(config.introspection ? [] : [noIntrospectionPlugin()]),
    noSuggestionsPlugin(),
    rateLimitPlugin(config.rateLimit),
  ];
}

type GraphQLArmorConfig = NonNullable<Parameters<typeof EnvelopArmorPlugin>[0]>;

/** What `extensions.protection` says of a refused request. */
export type Protection =
  | 'maxDepth'
  | 'maxAliases'
  | 'maxDirectives'
  | 'maxTokens'
  | 'maxCost'
  | 'maxBodyBytes'
  | 'batching'
  | 'introspection';

/** The error of a refused request: `BAD_USER_INPUT`, the protection it hit, and the HTTP status (400 or 413). */
export function protectionError(protection: Protection, message: string, status = 400): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, protection, http: { status } },
  });
}

const LIMIT_MESSAGES: Record<
  'maxDepth' | 'maxAliases' | 'maxDirectives' | 'maxTokens' | 'maxCost',
  (limit: number) => string
> = {
  maxDepth: (n) => `The query is nested too deeply: at most ${n} levels are allowed.`,
  maxAliases: (n) => `The query uses too many aliases: at most ${n} are allowed.`,
  maxDirectives: (n) => `The query uses too many directives: at most ${n} are allowed.`,
  maxTokens: (n) => `The query is too long: at most ${n} tokens are allowed.`,
  maxCost: (n) =>
    `The query is too expensive: its estimated cost exceeds ${n}. Ask for fewer items or fields.`,
};

/**
 * graphql-armor's validation limits, each reporting its own clear error to the validation context (so every
 * exceeded limit is listed) instead of armor's "Syntax Error: …", which reads like a typo and carries no code.
 */
function shapeLimitsPlugin(limits: RequestLimits): Plugin<ConfideContext> {
  const reject =
    (protection: keyof typeof LIMIT_MESSAGES) =>
    (context: ValidationContext | null): void => {
      context?.reportError(protectionError(protection, LIMIT_MESSAGES[protection](limits[protection])));
    };
  const armor: GraphQLArmorConfig = {
    // Replaced by noSuggestionsPlugin, which also covers enum values and variable coercion.
    blockFieldSuggestion: { enabled: false },
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [reject('maxDepth')],
    },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: [reject('maxAliases')] },
    // Replaced by maxDirectivesRule: armor's count drops the directives on a fragment spread it has seen before.
    maxDirectives: { enabled: false },
    // Replaced by graphql-js' own `maxLexicalTokens` (tokenLimitPlugin): armor's parser subclass imports
    // `graphql/language/parser`, which a bundle resolves to a second copy of graphql.
    maxTokens: { enabled: false },
    costLimit: {
      maxCost: limits.maxCost,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: [reject('maxCost')],
    },
  };
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(EnvelopArmorPlugin(armor) as Plugin<ConfideContext>);
    },
    // A query over a limit gets only the limit errors: an attack (10,000 unknown directives, say) must not be
    // answered with one validation error per offending node.
    onValidate({ addValidationRule }) {
      addValidationRule(maxDirectivesRule(limits.maxDirectives, reject('maxDirectives')));
      return ({ valid, result, setResult }) => {
        if (valid) return;
        const limits = result.filter((error) => error.extensions?.protection !== undefined);
        if (limits.length > 0 && limits.length < result.length) setResult(limits);
      };
    },
  };
}

/**
 * At most `max` directives in the operation as it runs: those on the operation, its variables and every selection,
 * a fragment's own counted at each spread of it (flattened, as the depth and cost are), a cycle once.
 */
function maxDirectivesRule(max: number, reject: (context: ValidationContext) => void) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const counted = new Map<string, number>();
    const countIn = (selections: readonly SelectionNode[], visiting: Set<string>): number => {
      let count = 0;
      for (const selection of selections) {
        count += selection.directives?.length ?? 0;
        if (count > max) return count;
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || visiting.has(fragment.name.value)) continue;
          // Each fragment counted once and remembered: spreads of spreads cost no more than the document's size.
          let inFragment = counted.get(fragment.name.value);
          if (inFragment === undefined) {
            visiting.add(fragment.name.value);
            inFragment =
              (fragment.directives?.length ?? 0) + countIn(fragment.selectionSet.selections, visiting);
            visiting.delete(fragment.name.value);
            counted.set(fragment.name.value, inFragment);
          }
          count += inFragment;
        } else if (selection.selectionSet) {
          count += countIn(selection.selectionSet.selections, visiting);
        }
        if (count > max) return count;
      }
      return count;
    };
    return {
      OperationDefinition(operation) {
        const count =
          (operation.directives?.length ?? 0) +
          (operation.variableDefinitions ?? []).reduce((sum, v) => sum + (v.directives?.length ?? 0), 0) +
          countIn(operation.selectionSet.selections, new Set());
        if (count > max) reject(context);
        return false;
      },
    };
  };
}

/** Stops the parser after `maxTokens` tokens, so a huge document costs no more than a small one to refuse. */
function tokenLimitPlugin(maxTokens: number): Plugin<ConfideContext> {
  return {
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parseFn(source, { ...options, maxLexicalTokens: maxTokens });
        } catch (error) {
          if (error instanceof GraphQLError && /contains more th\w+ \d+ tokens/.test(error.message)) {
            throw protectionError('maxTokens', LIMIT_MESSAGES.maxTokens(maxTokens));
          }
          throw error;
        }
      });
    },
  };
}

/** Refuses `__schema` and `__type` (GraphiQL is off too); `__typename` stays, as the spec needs it. */
function noIntrospectionPlugin(): Plugin<ConfideContext> {
  const rule = (context: ValidationContext): ASTVisitor => ({
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(
          new GraphQLError('Introspection is disabled on this deployment; use the published schema.', {
            nodes: node,
            extensions: { code: ErrorCode.BAD_USER_INPUT, protection: 'introspection' },
          }),
        );
      }
    },
  });
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** Strips field, argument, type and enum suggestions from every error leaving the server. */
function noSuggestionsPlugin(): Plugin<ConfideContext> {
  const scrub = (result: unknown): void => {
    if (Array.isArray(result)) {
      for (const entry of result) scrub(entry);
      return;
    }
    const errors = (result as { errors?: unknown } | undefined)?.errors;
    if (!Array.isArray(errors)) return;
    for (const error of errors) {
      if (error instanceof Error && error.message.includes('Did you mean')) {
        error.message = error.message.replace(SUGGESTION, '');
      }
    }
  };
  return {
    onResultProcess({ result }) {
      scrub(result);
    },
  };
}

/** Refuses a JSON array body (batched operations): one operation per request. */
function noBatchingPlugin(): Plugin<ConfideContext> {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) {
            throw protectionError(
              'batching',
              'Batched requests are not supported: send one operation per request.',
            );
          }
        },
      };
    },
  };
}

/**
 * Caps the request body: a declared `Content-Length` over the cap is refused before reading; a body without one
 * (chunked) is counted while it is read and refused as soon as it passes the cap.
 *
 * A declared length within the cap is trusted and the body goes to yoga's parser untouched, with no counting stream
 * and no second Request (issue 18, decision 0038). The transports make the declaration true: Node's HTTP server
 * (the local server) frames the body by its `Content-Length`, and the Lambda adapter sets it to the length of the
 * body API Gateway delivered, replacing the caller's.
 */
function bodyLimitPlugin(maxBytes: number): Plugin<ConfideContext> {
  const tooLarge = () =>
    protectionError(
      'maxBodyBytes',
      `The request body is too large: at most ${maxBytes} bytes are allowed.`,
      413,
    );
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null && /^\d+$/.test(declared)) {
        if (Number(declared) > maxBytes) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((incoming) => {
        const body = incoming.body;
        if (!body) return parse(incoming);
        // As yoga does: the native TransformStream for a native body, the fetch ponyfill's otherwise.
        const Transform =
          body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        let read = 0;
        const limited = body.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > maxBytes) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(
          new fetchAPI.Request(incoming.url, {
            method: incoming.method,
            headers: incoming.headers,
            signal: incoming.signal,
            body: limited,
            duplex: 'half',
          } as RequestInit),
        );
      });
    },
  };
}

// ── Lists, connection arguments, odd text and the cost of what variables ask for (issue 17 items 4, 8) ────────

/**
 * The most items each list argument and list input field takes, by schema coordinate. Enforced on literals and
 * variables alike (BAD_USER_INPUT naming the argument, before anything runs), and counted in the cost. A test
 * fails when a list argument of the schema has no entry here; an unlisted one gets {@link DEFAULT_MAX_LIST_ITEMS}.
 */
export const LIST_MAXIMA: Readonly<Record<string, number>> = {
  'Query.nodes(ids:)': 100,
  'ServiceUser.notes(kinds:)': 20,
  'Mutation.openSafeguardingInvestigation(serviceUserIds:)': 50,
  'Mutation.closeSafeguardingInvestigation(serviceUserIds:)': 50,
  'Mutation.setDisclosureConsentMethods(methods:)': 10,
  'AccessMonitoringSettingsInput.workingDays': 7,
  'AddStaffMemberInput.roles': 20,
  'ChangeRolesInput.roles': 20,
  'ExceptionalDisclosureInput.itemIds': 100,
  // A release writes its entry, its grant and one index item per note in one transaction of at most 100 items
  // (decision 0044): a request may name no more notes than can be released.
  'ReceiveDisclosureRequestInput.itemIds': MAX_RELEASED_ITEMS,
  'ReleaseDisclosureInput.itemIds': MAX_RELEASED_ITEMS,
  'ReleaseDisclosureInput.redactions': 100,
  'RecordConsentInput.classifications': 20,
  'RecordConsentInput.purposes': 20,
  'RecordNoteInput.distribution': 100,
  'RecordNoteInput.sealedFor': 100,
  'ReportBreachInput.categories': 50,
};
export const DEFAULT_MAX_LIST_ITEMS = 100;

/**
 * States each list argument's and list input field's maximum in its schema description ("At most N."), from
 * {@link LIST_MAXIMA} at schema build, so the documented maximum is the enforced one and cannot drift. Run once on
 * the built schema (schema/index.ts); a description that already says it is left as it is.
 */
export function describeListMaxima<S extends GraphQLSchema>(schema: S): S {
  const isList = (type: GraphQLInputType): boolean =>
    isNonNullType(type) ? isList(type.ofType) : isListType(type);
  const withMaximum = (coordinate: string, description: string | null | undefined): string => {
    const sentence = `At most ${LIST_MAXIMA[coordinate] ?? DEFAULT_MAX_LIST_ITEMS}.`;
    const text = description?.trim() ?? '';
    if (text.includes(sentence)) return text;
    return text === '' ? sentence : `${text}${/[.!?)]$/.test(text) ? '' : '.'} ${sentence}`;
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) {
          if (!isList(arg.type)) continue;
          const coordinate = `${type.name}.${field.name}(${arg.name}:)`;
          (arg as { description: string | undefined }).description = withMaximum(coordinate, arg.description);
        }
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!isList(field.type)) continue;
        const coordinate = `${type.name}.${field.name}`;
        (field as { description: string | undefined }).description = withMaximum(
          coordinate,
          field.description,
        );
      }
    }
  }
  return schema;
}

/** graphql-armor's cost weights, so a literal-only query costs what it did. */
const COST = { object: 2, scalar: 1, depthFactor: 1.5 } as const;

/** A lone UTF-16 surrogate: not text, and silently turned into U+FFFD if it were stored. */

function inputError(argument: string, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argument, http: { status: 400 } },
  });
}

/**
 * Checks what a request's arguments hold once its variables are known, before any resolver runs: list lengths
 * against {@link LIST_MAXIMA}, `first`/`last` not negative, no lone surrogate in any string, and the cost with
 * list lengths and variable `first`/`last` counted (armor, at validation, sees only literals).
 */
export function checkRequestInput(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Readonly<Record<string, unknown>> | null | undefined,
  maxCost: number,
): GraphQLError[] {
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      (operationName == null || definition.name?.value === operationName),
  );
  if (!operation) return [];
  const variables: Record<string, unknown> = { ...(rawVariables ?? {}) };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (!(name in variables) && definition.defaultValue) {
      variables[name] = valueFromASTUntyped(definition.defaultValue);
    }
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const errors: GraphQLError[] = [];
  const seen = new Set<string>();
  const fail = (argument: string, message: string) => {
    if (seen.has(argument + message)) return;
    seen.add(argument + message);
    errors.push(inputError(argument, message));
  };
  /** The coordinate's field or argument as people name it (`RecordNoteInput.body` reads "Body"). */
  const words = (coordinate: string) => validate.fieldWords(coordinate.split(/\W/));

  const checkString = (coordinate: string, value: unknown) => {
    if (typeof value === 'string' && validate.hasLoneSurrogate(value)) {
      fail(coordinate, `${words(coordinate)} contains characters that are not allowed.`);
    }
  };
  /** A runtime value (from variables): lists, input objects and strings, by the input type. */
  const checkRaw = (coordinate: string, type: GraphQLInputType, value: unknown): number => {
    const inner = isNonNullType(type) ? type.ofType : type;
    if (value === null || value === undefined) return 0;
    if (isListType(inner)) {
      const items = Array.isArray(value) ? value : [value];
      const max = LIST_MAXIMA[coordinate] ?? DEFAULT_MAX_LIST_ITEMS;
      if (items.length > max) fail(coordinate, `${words(coordinate)} takes at most ${max} items.`);
      for (const item of items.slice(0, max)) checkRaw(coordinate, inner.ofType, item);
      return items.length;
    }
    if (isInputObjectType(inner) && typeof value === 'object') {
      for (const field of Object.values(inner.getFields())) {
        checkRaw(`${inner.name}.${field.name}`, field.type, (value as Record<string, unknown>)[field.name]);
      }
      return 0;
    }
    checkString(coordinate, value);
    return 0;
  };
  /** A literal (which may hold variables); returns a list's length. */
  const checkLiteral = (coordinate: string, type: GraphQLInputType, node: ValueNode): number => {
    if (node.kind === Kind.VARIABLE) return checkRaw(coordinate, type, variables[node.name.value]);
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      const items = node.kind === Kind.LIST ? node.values : [node];
      const max = LIST_MAXIMA[coordinate] ?? DEFAULT_MAX_LIST_ITEMS;
      if (items.length > max) fail(coordinate, `${words(coordinate)} takes at most ${max} items.`);
      for (const item of items.slice(0, max)) checkLiteral(coordinate, inner.ofType, item);
      return items.length;
    }
    if (isInputObjectType(inner) && node.kind === Kind.OBJECT) {
      const fields = inner.getFields();
      for (const field of node.fields) {
        const definition = fields[field.name.value];
        if (definition) checkLiteral(`${inner.name}.${definition.name}`, definition.type, field.value);
      }
      return 0;
    }
    if (node.kind === Kind.STRING) checkString(coordinate, node.value);
    return 0;
  };

  /** The cost of a selection, as armor counts it, with each field's list and page sizes as its multiplier. */
  const costOf = (
    parent: GraphQLNamedType | undefined,
    selections: readonly SelectionNode[],
    visiting: Set<string>,
  ): number => {
    let cost = 0;
    for (const selection of selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += costOf(type ?? parent, selection.selectionSet.selections, visiting);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || visiting.has(fragment.name.value)) continue;
        visiting.add(fragment.name.value);
        const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
        cost += costOf(type, fragment.selectionSet.selections, visiting);
        visiting.delete(fragment.name.value);
        continue;
      }
      cost += COST.depthFactor * fieldCost(parent, selection, visiting);
    }
    return cost;
  };
  const fieldCost = (
    parent: GraphQLNamedType | undefined,
    field: FieldNode,
    visiting: Set<string>,
  ): number => {
    const definition =
      parent && (isObjectType(parent) || isInterfaceType(parent))
        ? parent.getFields()[field.name.value]
        : undefined;
    let multiplier = 1;
    // A page asked for without a size (no `first`/`last`, or null) is served at its default size: counted at the
    // larger default a connection has (the store's; the relay plugin's is 20), never as one node.
    let sized = false;
    for (const argument of field.arguments ?? []) {
      const argDefinition = definition?.args.find((arg) => arg.name === argument.name.value);
      if (!argDefinition || !parent) continue;
      const coordinate = `${parent.name}.${field.name.value}(${argDefinition.name}:)`;
      const length = checkLiteral(coordinate, argDefinition.type, argument.value);
      multiplier = Math.max(multiplier, length);
      if (argDefinition.name === 'first' || argDefinition.name === 'last') {
        const value =
          argument.value.kind === Kind.VARIABLE
            ? variables[argument.value.name.value]
            : valueFromASTUntyped(argument.value);
        if (typeof value === 'number') {
          if (value < 0) fail(coordinate, `${argDefinition.name} must not be negative.`);
          multiplier = Math.max(multiplier, value);
          sized = true;
        }
      }
    }
    if (!sized && definition?.args.some((arg) => arg.name === 'first')) {
      multiplier = Math.max(multiplier, PAGE_SIZE.default);
    }
    if (!field.selectionSet) return COST.scalar;
    const type = definition ? getNamedType(definition.type) : undefined;
    return (COST.object + costOf(type, field.selectionSet.selections, visiting)) * multiplier;
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  // Armor's root selections are not weighted by the depth factor; the rest is.
  const cost = costOf(root ?? undefined, operation.selectionSet.selections, new Set()) / COST.depthFactor;
  if (errors.length > 0) return errors;
  if (cost > maxCost) return [protectionError('maxCost', LIMIT_MESSAGES.maxCost(maxCost))];
  return [];
}

/** Runs {@link checkRequestInput} before execution, and answers Pothos' own argument errors as BAD_USER_INPUT. */
function requestInputPlugin(maxCost: number): Plugin<ConfideContext> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = checkRequestInput(
        args.schema,
        args.document,
        args.operationName,
        args.variableValues as Record<string, unknown> | undefined,
        maxCost,
      );
      if (errors.length > 0) {
        setResultAndStopExecution({ errors });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.length) return;
          if (!result.errors.some((error) => error.originalError instanceof PothosValidationError)) return;
          setResult({
            ...result,
            errors: result.errors.map((error) =>
              error.originalError instanceof PothosValidationError
                ? new GraphQLError('An argument of this field is not valid (a page size or cursor).', {
                    ...(error.nodes ? { nodes: error.nodes } : {}),
                    ...(error.path ? { path: error.path } : {}),
                    originalError: badInput(
                      [String(error.path?.at(-1) ?? 'argument')],
                      'An argument of this field is not valid (a page size or cursor).',
                    ),
                  })
                : error,
            ),
          });
        },
      };
    },
  };
}
