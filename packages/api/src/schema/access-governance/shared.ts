import type { ConfideContext } from '../../context';
import { localId } from '../ids';

/** The staff member an argument names, when the id is well formed (the operation checks the rest). */
export function namedStaff(globalId: string | number): string | undefined {
  try {
    return localId(globalId, 'StaffMember', 'staff', 'Staff member');
  } catch {
    return undefined;
  }
}

/**
 * The staff member whose access to the person a change gives or takes (an allocation, a conflict, an investigation),
 * named on the person's event by id, as team changes name theirs: "who changed what for whom".
 */
export function staffConcerned(staffId: string | undefined): { fields: string[] } {
  return { fields: staffId ? [`StaffMember:${staffId}`] : [] };
}

/** Whether the staff member a change names is the caller themself. */
export const namesCaller = (context: ConfideContext, staffId: string | undefined): boolean =>
  staffId !== undefined &&
  context.auth?.principal.kind === 'STAFF' &&
  context.auth.principal.staffId === staffId;

const loaded = new WeakMap<ConfideContext, Map<string, Promise<unknown>>>();

/**
 * Loads something once per request: the subject loader, `change` and the resolver of an operation all ask for
 * the same record (a review, the clients an investigation names) and get the same answer.
 */
export function oncePerRequest<T>(context: ConfideContext, key: string, load: () => Promise<T>): Promise<T> {
  let cache = loaded.get(context);
  if (!cache) {
    cache = new Map();
    loaded.set(context, cache);
  }
  let pending = cache.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = load();
    cache.set(key, pending);
  }
  return pending;
}
