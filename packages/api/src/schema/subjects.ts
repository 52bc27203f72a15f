import { type IdKind, isIdOf, notFound } from '@confide/domain';
import { type OperationSubject, withPrefetch } from '../access/operation-plugin';
import type { ConfideContext } from '../context';
import { localId } from './ids';

/**
 * Subject loaders for `operation: { subject }`: each reads what the operation acts on, with no visibility
 * check (the policy decides what the caller may know), and answers NOT_FOUND for an id that names nothing.
 */
export function clientById<Args>(
  pick: (args: Args) => string | number,
): (args: Args, context: ConfideContext) => Promise<OperationSubject> {
  const load = async (args: Args, context: ConfideContext): Promise<OperationSubject> => {
    const clientId = localId(pick(args), 'ServiceUser', 'serviceUser', 'Service user');
    const client = await context.access.findClient(clientId);
    if (!client) throw notFound('Service user');
    return { kind: 'CLIENT', client };
  };
  return withPrefetch(load, (args: Args, context, orgId) => {
    // A malformed id is refused by `load`, once the caller is known.
    const clientId = tryLocalId(() => localId(pick(args), 'ServiceUser', 'serviceUser', 'Service user'));
    if (clientId) context.access.prefetchClient(orgId, clientId);
  });
}

function tryLocalId(decode: () => string): string | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

type GivenId = string | number | { readonly typename: string; readonly id: string };

/** An input's `t.globalID` arrives decoded; a plain `ID` argument arrives as the global id string. */
function idOf(given: GivenId, typename: string, kind: IdKind, what: string): string {
  if (typeof given !== 'object') return localId(given, typename, kind, what);
  if (given.typename !== typename || !isIdOf(kind, given.id)) throw notFound(what);
  return given.id;
}

export function staffById<Args>(pick: (args: Args) => GivenId) {
  return (args: Args): OperationSubject => ({
    kind: 'STAFF',
    staffId: idOf(pick(args), 'StaffMember', 'staff', 'Staff member'),
  });
}

export function serviceById<Args>(pick: (args: Args) => GivenId) {
  return (args: Args): OperationSubject => ({
    kind: 'SERVICE',
    serviceId: idOf(pick(args), 'Service', 'service', 'Service'),
  });
}
