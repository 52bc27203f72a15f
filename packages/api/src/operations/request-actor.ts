import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from '@confide/domain';

/**
 * The authenticated principal of the governed operation running now, set by the operation plugin around each
 * resolver. What the provisioner client signs its assertions for when its caller does not name the actor: a use
 * case deep in a resolver acts for the request's caller, and for no one when there is no governed request.
 */
const running = new AsyncLocalStorage<Principal>();

export function runAsPrincipal<T>(principal: Principal, fn: () => T): T {
  return running.run(principal, fn);
}

/** The principal of the governed operation running now, if any. */
export function currentPrincipal(): Principal | undefined {
  return running.getStore();
}
