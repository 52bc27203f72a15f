import { type ApiError, errorWords, execute } from '../api';
import { readConnection } from '../connection-pages';
import { ManagedServicesQuery, ServicesQuery } from '../documents';
import { h, notice } from '../dom';
import { keepScreenForSignIn } from '../hosted-sign-in';
import { rolesWords, tokenExpired } from '../logic';
import { currentSession, signOut } from '../session';

/** The heading every screen starts with; focused on arrival so a screen reader announces the new screen. */
export const screenHeading = (text: string) => h('h1', { tabindex: -1 }, text);

/** Who did something, in words: "Sam Worker (support worker, sam.worker)". */
export function actorWords(actor: {
  displayName?: string | null;
  handle?: string | null;
  roles: readonly string[];
}): string {
  const name = actor.displayName ?? actor.handle ?? 'Someone';
  const detail = [actor.roles.length ? rolesWords(actor.roles) : '', actor.handle ?? '']
    .filter(Boolean)
    .join(', ');
  return detail ? `${name} (${detail})` : name;
}

/**
 * A short, stable label for a person the caller may not know by name. Global ids are opaque to clients, so the
 * label is the id's own tail, not something decoded from it.
 */
export const personLabel = (serviceUserId: string) =>
  `person …${serviceUserId.replaceAll('=', '').slice(-8)}`;

/**
 * Moves focus to an action's outcome notice. The control a person used is gone (its form removed, or the screen drawn
 * again), and focus fallen back to the page's body would tell a keyboard or screen-reader user nothing.
 */
export function focusOutcome(outcome: HTMLElement | null | undefined): void {
  if (!outcome) return;
  outcome.tabIndex = -1;
  outcome.focus();
}

/**
 * Shows an error entry's words, or nothing. A refused sign-in (it expired, or the API no longer accepts it) says so
 * and offers to sign in again: see {@link signInRefusedNotice}.
 */
export const errorNotice = (errors: readonly ApiError[]): HTMLElement | null => {
  const words = errorWords(errors);
  if (!words) return null;
  return errors[0]?.code === 'UNAUTHENTICATED' ? signInRefusedNotice() : notice(words, 'error');
};

/**
 * The API refused the sign-in: it expired (by the token's own `exp`: the tab keeps its token, unrefreshed) or is no
 * longer accepted. The way on is to sign in again, offered here: it forgets the tab's token and starts the console
 * again at the same address, so that the person signs in (as the console does on arrival; the hosted sign-in's
 * session, if any, is kept, so that it is one click) and comes back to this screen: the hosted sign-in returns to the
 * console's one registered address, so the screen is kept in the tab first (see `keepScreenForSignIn`). What was
 * typed and not sent is lost with the reload, and the notice says so. `code` is the API's code, added
 * after the words on an action's refusal (see `actionErrorNotice`).
 */
export function signInRefusedNotice(code?: string): HTMLElement {
  const expired = tokenExpired(currentSession()?.token ?? '', Date.now());
  const again = h('button', { type: 'button', class: 'secondary sign-in-again' }, 'Sign in again');
  again.addEventListener('click', () => {
    keepScreenForSignIn();
    signOut();
    location.reload();
  });
  return h(
    'p',
    { class: 'notice notice-error', role: 'alert' },
    expired ? 'Your sign-in has expired.' : 'Your sign-in was not accepted.',
    code ? ` (code ${code})` : null,
    ' Anything you typed here and have not sent will need typing again. ',
    again,
  );
}

/**
 * What a screen shows of a list it read: the error met, if any, then the list, or its "none" words when it is empty.
 * A read that failed before anything was read says nothing of what the list holds, so then the error alone: never
 * "none", nor (see {@link unread}) a count.
 */
export function listOrError(
  errors: readonly ApiError[],
  count: number,
  none: string | null,
  list: () => Node,
): Node[] {
  const error = errorNotice(errors);
  if (count > 0) return error ? [error, list()] : [list()];
  if (error) return [error];
  return none === null ? [] : [h('p', { class: 'empty' }, none)];
}

/** Nothing was read of a list, and an error was met: what it holds is unknown, so it has no count to show. */
export const unread = (errors: readonly ApiError[], count: number) => errors.length > 0 && count === 0;

/**
 * Shows an action's refusal in its outcome and moves focus to it: the control a person used was disabled while the
 * action ran, and focus fallen back to the page's body would tell a keyboard or screen-reader user nothing.
 */
export function showRefusal(outcome: HTMLElement, refusal: HTMLElement): void {
  outcome.replaceChildren(refusal);
  focusOutcome(refusal);
}

/** The pages (100 services each) of the organisation's services a screen reads at most: 2,000 services. */
export const SERVICE_PAGES = 20;

/** The reads of one service each (its team, its people) a screen has running at once: see `mapInTurn`. */
export const SERVICE_READS_AT_ONCE = 6;

/** The organisation's services with their managers, to the end (within the bound): to find those the caller manages. */
export const readManagedServices = () =>
  readConnection(
    async (after) => {
      const { data, errors } = await execute(ManagedServicesQuery, { after });
      return { page: data?.servicesConnection, errors };
    },
    { maxPages: SERVICE_PAGES },
  );

/** The organisation's services the caller may see, to the end (within the bound). */
export const readServices = () =>
  readConnection(
    async (after) => {
      const { data, errors } = await execute(ServicesQuery, { after });
      return { page: data?.servicesConnection, errors };
    },
    { maxPages: SERVICE_PAGES },
  );
