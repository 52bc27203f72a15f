import { notFound } from '@confide/domain';
import type { OperationSubject } from '../access/operation-plugin';
import type { ConfideContext } from '../context';

/**
 * The client an operation acts on, found by its local id (taken from a note id, a review, a request): with no
 * visibility check (the operation policy decides what the caller may know), NOT_FOUND when there is none.
 */
export async function clientSubject(context: ConfideContext, clientId: string): Promise<OperationSubject> {
  const client = await context.access.findClient(clientId);
  if (!client) throw notFound('Service user');
  return { kind: 'CLIENT', client };
}
