import { ErrorCode } from '@confide/domain';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { type ASTVisitor, GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ConfideConfig, RequestLimits } from './config';
import type { ConfideContext } from './context';
import { rateLimitPlugin } from './rate-limit';

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
    maxDirectives: {
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: [reject('maxDirectives')],
    },
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
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (valid) return;
        const limits = result.filter((error) => error.extensions?.protection !== undefined);
        if (limits.length > 0 && limits.length < result.length) setResult(limits);
      };
    },
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
      if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge();
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
