import { type Classification, forbidden, notFound, type Role, unauthenticated } from '@confide/domain';
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { OPERATION_POLICY_PLUGIN, type Operation } from './access/operation-plugin';
import { type ConfideContext, hasRole } from './context';
import { DIRECTIVES_WITHOUT_AST_PLUGIN } from './directives-plugin';

/** The Pothos builder every schema module adds to. */
export const builder = new SchemaBuilder<{
  Context: ConfideContext;
  /** Every query and mutation resolver gets its authorised operation as its parent (access/operation-plugin.ts). */
  Root: Operation;
  AuthScopes: {
    /** Any verified caller. */
    authenticated: boolean;
    /** A platform operator (reads no tenant data). */
    operator: boolean;
    /** A staff member of an active organisation. */
    staff: boolean;
    /** A staff member holding the given role. */
    role: Role;
  };
  Directives: {
    classified: { locations: 'FIELD_DEFINITION'; args: { as: Classification } };
    needToKnow: { locations: 'FIELD_DEFINITION'; args: { read: string[]; justify: string[] } };
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
  };
  DefaultFieldNullability: false;
}>({
  // The directives plugin without its mock AST, which nothing reads and every cold start built (decision 0055).
  plugins: [ScopeAuthPlugin, RelayPlugin, DIRECTIVES_WITHOUT_AST_PLUGIN, OPERATION_POLICY_PLUGIN],
  defaultFieldNullability: false,
  directives: { useGraphQLToolsUnorderedDirectives: true },
  relay: {
    clientMutationId: 'omit',
    // node and nodes are defined in schema/ids.ts: each type under the policy and audit of its own query.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    cursorType: 'String',
    encodeGlobalID: (typename, id) => Buffer.from(`${typename}:${String(id)}`, 'utf8').toString('base64'),
    // A malformed id answers like an unknown one: NOT_FOUND, never an internal error.
    decodeGlobalID: (globalID) => {
      const decoded = Buffer.from(globalID, 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      if (separator <= 0 || Buffer.from(decoded, 'utf8').toString('base64') !== globalID) throw notFound();
      return { typename: decoded.slice(0, separator), id: decoded.slice(separator + 1) };
    },
  },
  scopeAuth: {
    authScopes: (context) => ({
      authenticated: context.auth !== undefined,
      operator: context.auth?.principal.kind === 'OPERATOR',
      staff: context.auth?.principal.kind === 'STAFF',
      role: (role) => hasRole(context, role),
    }),
    // An unauthenticated caller learns only that; an authenticated one that the field is not theirs.
    unauthorizedError: (_parent, context) =>
      context.auth ? forbidden() : (context.authError ?? unauthenticated()),
  },
});

builder.queryType({ description: 'Reads. Every field checks who is asking before anything is loaded.' });
builder.mutationType({ description: 'Writes. Each is authorised, validated and audited.' });

builder.scalarType('DateTime', {
  description: 'An instant in ISO 8601 form with a time zone, e.g. `2026-11-22T09:30:00Z`.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => {
    if (
      typeof value !== 'string' ||
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value)
    ) {
      throw new TypeError('DateTime must be an ISO 8601 string with a time zone.');
    }
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime is not a valid date.');
    return date;
  },
});
