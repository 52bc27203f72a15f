import { badInput, type IdKind, isIdOf, notFound } from '@confide/domain';
import { brandWithType } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import { governedOperations, type Operation } from '../access/operation-plugin';
import { builder } from '../builder';
import type { ConfideContext } from '../context';

function decodeGlobalID(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0 || Buffer.from(decoded, 'utf8').toString('base64') !== globalId) throw notFound();
  return { typename: decoded.slice(0, separator), id: decoded.slice(separator + 1) };
}

/**
 * The local id inside a Relay global id, or NOT_FOUND: a malformed id, an id of another type, or an id that
 * could never exist all get the same answer as an id of someone else's record.
 */
export function localId(globalId: string | number, typename: string, kind: IdKind, what = typename): string {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    throw notFound(what);
  }
  if (decoded.typename !== typename || !isIdOf(kind, decoded.id)) throw notFound(what);
  return decoded.id;
}

/** Case notes are addressed within their client's partition: the local id carries both. */
export function noteLocalId(globalId: string | number): { clientId: string; noteId: string } {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    throw notFound('Note');
  }
  const [clientId, noteId] = decoded.id.split('.');
  if (
    !decoded.typename.endsWith('Note') ||
    !clientId ||
    !noteId ||
    !isIdOf('serviceUser', clientId) ||
    !isIdOf('note', noteId)
  ) {
    throw notFound('Note');
  }
  return { clientId, noteId };
}

// ── node and nodes: each type under the rules of its own query (issue 17 item 5) ─────────────────────────────

/** The most ids one `nodes` call takes (also in hardening's list maxima). */
export const MAX_NODES = 100;

/**
 * For each `Node` type, the query whose operation policy and audit govern it through `node`/`nodes`, and how the
 * node is read once that policy has allowed it. A refusal is the query's own (recorded once, under its name).
 */
interface NodeRule {
  /** The governed query, given the decoded local id and the caller (a staff member's own account is `me`'s). */
  readonly query: (localId: string, context: ConfideContext) => string;
  /** The query's arguments for this node. */
  readonly args?: (globalId: string) => Record<string, unknown>;
  /** Reads the node when the query's own resolver returns something else (a list, a viewer). */
  readonly load?: (operation: Operation, localId: string, context: ConfideContext) => Promise<object>;
  /** The type to brand the result with (notes resolve their class from the note itself). */
  readonly brand?: boolean;
}

const noteRule: NodeRule = { query: () => 'caseNote', args: (globalId) => ({ id: globalId }) };

const NODE_RULES: Readonly<Record<string, NodeRule>> = {
  Service: {
    query: () => 'services',
    brand: true,
    load: async (_operation, id, context) => {
      const service = isIdOf('service', id) ? await context.access.service(id) : undefined;
      if (!service) throw notFound('Service');
      return service;
    },
  },
  StaffMember: {
    query: (id, context) =>
      context.auth?.principal.kind === 'STAFF' && context.auth.principal.staffId === id
        ? 'me'
        : 'staffMember',
    args: (globalId) => ({ id: globalId }),
    brand: true,
    load: async (operation, id, context) => {
      const staff = isIdOf('staff', id)
        ? await context.services.directory.staff(operation.scope, id)
        : undefined;
      if (!staff) throw notFound('Staff member');
      return staff;
    },
  },
  ServiceUser: { query: () => 'serviceUser', args: (globalId) => ({ id: globalId }), brand: true },
  CareNote: noteRule,
  HealthNote: noteRule,
  FinanceNote: noteRule,
  SafeguardingNote: noteRule,
};

/** The names of the types `node` resolves (a test checks they are every `Node` type). */
export const NODE_TYPES: readonly string[] = Object.keys(NODE_RULES);

async function resolveNode(
  globalId: string,
  context: ConfideContext,
  info: GraphQLResolveInfo,
): Promise<unknown> {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(globalId));
  } catch {
    throw notFound();
  }
  const rule = Object.hasOwn(NODE_RULES, decoded.typename) ? NODE_RULES[decoded.typename] : undefined;
  if (!rule) throw notFound();
  const governed = governedOperations().get(rule.query(decoded.id, context));
  if (!governed) throw new Error(`node: no governed query for ${decoded.typename}`);
  const { load } = rule;
  const result = await governed.runFor(
    rule.args?.(globalId) ?? {},
    context,
    info,
    load ? (operation, _args, fieldContext) => load(operation, decoded.id, fieldContext) : undefined,
  );
  if (result === null || result === undefined) throw notFound();
  if (rule.brand) brandWithType(result, decoded.typename as never);
  return result;
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description:
      'Any object by its global id, under exactly the rules (policy and audit) of its type’s own query: `services`, `staffMember` (`me` for your own account), `serviceUser`, `caseNote`. NOT_FOUND for an id of no such object or of an unknown type.',
    args: { id: t.arg.id({ required: true }) },
    operation: { policy: 'node.read', audit: 'fields' },
    resolve: (_operation, args, context, info) => resolveNode(String(args.id), context, info) as never,
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `Objects by their global ids (at most ${MAX_NODES}), each as \`node\` resolves it: a refused or unknown id is null with its own error.`,
    args: { ids: t.arg.idList({ required: true }) },
    operation: { policy: 'node.read', audit: 'fields' },
    resolve: (_operation, args, context, info) => {
      if (args.ids.length > MAX_NODES) {
        throw badInput(['ids'], `ids takes at most ${MAX_NODES} items.`);
      }
      return args.ids.map((id) => resolveNode(String(id), context, info)) as never;
    },
  }),
}));
