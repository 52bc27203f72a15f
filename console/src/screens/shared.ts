import { type ApiError, errorWords, execute } from '../api';
import { readConnection } from '../connection-pages';
import { ServicesQuery } from '../documents';
import { h, notice } from '../dom';
import { rolesWords } from '../logic';

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

/** Shows an error entry's words, or nothing. */
export const errorNotice = (errors: readonly ApiError[]) => {
  const words = errorWords(errors);
  return words ? notice(words, 'error') : null;
};

/** The pages (100 services each) of the organisation's services a screen reads at most: 2,000 services. */
export const SERVICE_PAGES = 20;

/** The reads of one service each (its team, its people) a screen has running at once: see `mapInTurn`. */
export const SERVICE_READS_AT_ONCE = 6;

/** The organisation's services the caller may see, to the end (within the bound). */
export const readServices = () =>
  readConnection(
    async (after) => {
      const { data, errors } = await execute(ServicesQuery, { after });
      return { page: data?.servicesConnection, errors };
    },
    { maxPages: SERVICE_PAGES },
  );
