import { type ApiError, execute } from '../api';
import { PersonAccessLogQuery, StaffAccessQuery } from '../documents';
import { h, link, notice, render } from '../dom';
import {
  accessSentence,
  type Capabilities,
  dateTimeWords,
  dayBounds,
  dayHeadingWords,
  isRefusal,
  relationshipWords,
} from '../logic';
import { caseActions } from './case-actions';
import { proposeErasureForm } from './erasure';
import { placeLegalHoldForm } from './legal-holds';
import { requestSubjectAccessForm } from './request-subject-access';
import { errorNotice, personLabel, screenHeading } from './shared';

interface LoggedAccess {
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly outcome: string;
  readonly operation: string;
  readonly classifications: readonly string[];
  readonly fields: readonly string[];
  readonly purpose?: string | null;
  readonly relationship?: string | null;
  readonly emergency: boolean;
  readonly actor: { displayName?: string | null; roles: readonly string[] };
}

type Filter = 'all' | 'emergency' | 'investigation' | 'refused';

const FILTERS: [Filter, string][] = [
  ['all', 'Every access'],
  ['emergency', 'Emergency (break-glass) only'],
  ['investigation', 'Investigation only'],
  ['refused', 'Refusals only'],
];

const matches = (event: LoggedAccess, filter: Filter) =>
  filter === 'all' ||
  (filter === 'emergency' && event.emergency) ||
  (filter === 'investigation' && event.relationship === 'INVESTIGATION') ||
  (filter === 'refused' && isRefusal(event));

/** One page of a log, and how to fetch the next (older) one, if there is one. */
interface LogPage {
  readonly events: readonly LoggedAccess[];
  readonly next?: () => Promise<LogPage>;
}

/**
 * An access log as a filterable list of sentences, emergency and investigation reads marked; older accesses load
 * a page at a time, and the count says when more exist, so a reviewer never mistakes the first page for the whole.
 */
function accessList(first: LogPage): HTMLElement {
  const events: LoggedAccess[] = [...first.events];
  let next = first.next;
  const list = h('ol', { class: 'access-log' });
  const more = h('button', { type: 'button', class: 'secondary' }, 'Show older accesses');
  const select = h(
    'select',
    { id: 'access-filter' },
    FILTERS.map(([value, words]) => h('option', { value }, words)),
  );
  const count = h('p', { class: 'count-line', role: 'status' });
  const show = () => {
    const filter = select.value as Filter;
    const shown = events.filter((event) => matches(event, filter));
    count.textContent = `${shown.length} of ${events.length}${next ? '+' : ''} accesses${next ? ' (older ones not loaded yet)' : ''}`;
    more.hidden = !next;
    list.replaceChildren(
      ...shown.map((event) => {
        const marks = [
          event.emergency ? h('span', { class: 'tag tag-emergency' }, 'Emergency') : null,
          event.relationship === 'INVESTIGATION'
            ? h('span', { class: 'tag tag-investigation' }, 'Investigation')
            : null,
        ];
        return h(
          'li',
          { class: `access${event.emergency ? ' emergency' : ''}` },
          h(
            'p',
            { class: 'access-sentence' },
            ...marks,
            accessSentence({ ...event, actorName: event.actor.displayName, actorRoles: event.actor.roles }),
          ),
          h(
            'p',
            { class: 'access-detail' },
            h('time', { datetime: event.at }, dateTimeWords(event.at)),
            event.relationship ? ` · as ${relationshipWords(event.relationship)}` : '',
            event.purpose ? ` · reason given: “${event.purpose}”` : '',
          ),
        );
      }),
    );
  };
  select.addEventListener('change', show);
  more.addEventListener('click', async () => {
    if (!next) return;
    more.disabled = true;
    const page = await next();
    events.push(...page.events);
    next = page.next;
    more.disabled = false;
    show();
  });
  show();
  return h(
    'div',
    {},
    h('div', { class: 'filter' }, h('label', { for: 'access-filter' }, 'Show'), select),
    count,
    list,
    more,
  );
}

/** “Who looked at this person”: every audited access to one person's record, newest first, in plain words. */
export async function personAccessScreen(
  main: HTMLElement,
  serviceUserId: string,
  capabilities: Capabilities,
): Promise<void> {
  const title = `Who looked at ${personLabel(serviceUserId)}`;
  render(main, screenHeading(title), h('p', {}, 'Loading…'));
  const page = async (after?: string): Promise<LogPage & { errors: readonly ApiError[] }> => {
    const { data, errors } = await execute(PersonAccessLogQuery, { serviceUserId, after: after ?? null });
    const info = data?.accessLog.pageInfo;
    return {
      errors,
      events: (data?.accessLog.edges ?? []).map(({ node }) => node),
      ...(info?.hasNextPage && info.endCursor ? { next: () => page(info.endCursor ?? undefined) } : {}),
    };
  };
  const first = await page();
  const readable = first.errors.length === 0 || first.events.length > 0;
  // A manager's case actions: only where the person's log was readable (their own services' people).
  const caseCard = readable && capabilities.manageCases ? await caseActions(serviceUserId) : null;
  render(
    main,
    screenHeading(title),
    errorNotice(first.errors),
    readable ? accessList(first) : notice('The access log could not be read.', 'error'),
    caseCard,
    readable && capabilities.recordSubjectAccess && capabilities.subjectAccess
      ? h(
          'p',
          {},
          link(
            `/registers/subject-access/new/${encodeURIComponent(serviceUserId)}`,
            'Record a subject access request for this person',
          ),
        )
      : null,
    readable && capabilities.recordSubjectAccess && !capabilities.subjectAccess
      ? requestSubjectAccessForm(serviceUserId)
      : null,
    // Offered only where the person's log was readable: a manager's own services' people, as the API decides.
    readable && capabilities.placeLegalHolds ? placeLegalHoldForm(serviceUserId) : null,
    readable && capabilities.proposeErasure ? proposeErasureForm(serviceUserId) : null,
  );
}

/**
 * What one staff member accessed (the evidence behind an access alert), or on one local day (a heat-map cell: the
 * day and the time zone it was counted in).
 */
export async function staffAccessScreen(
  main: HTMLElement,
  staffId: string,
  day?: string,
  timeZone?: string,
): Promise<void> {
  const dayWindow = day && timeZone && /^\d{4}-\d{2}-\d{2}$/.test(day) ? dayBounds(day, timeZone) : undefined;
  const onDay = dayWindow && day ? ` on ${dayHeadingWords(day)}` : '';
  render(main, screenHeading(`What this staff member accessed${onDay}`), h('p', {}, 'Loading…'));
  const page = async (after?: string): Promise<LogPage & { errors: readonly ApiError[] }> => {
    const { data, errors } = await execute(StaffAccessQuery, {
      staffId,
      after: after ?? null,
      from: dayWindow?.from ?? null,
      to: dayWindow?.to ?? null,
    });
    const info = data?.staffAccessReport.pageInfo;
    return {
      errors,
      events: (data?.staffAccessReport.edges ?? []).map(({ node }) => node),
      ...(info?.hasNextPage && info.endCursor ? { next: () => page(info.endCursor ?? undefined) } : {}),
    };
  };
  const first = await page();
  const name = first.events[0]?.actor.displayName;
  render(
    main,
    screenHeading(name ? `What ${name} accessed${onDay}` : `What this staff member accessed${onDay}`),
    errorNotice(first.errors),
    first.errors.length === 0 || first.events.length > 0
      ? accessList(first)
      : notice('The report could not be read.', 'error'),
  );
}
