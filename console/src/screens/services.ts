import { execute } from '../api';
import { AssignQaReviewMutation, ServiceTeamQuery } from '../case-documents';
import { mapInTurn } from '../connection-pages';
import { h, notice, render } from '../dom';
import { type Capabilities, CONSOLE_TIME_ZONE_WORDS, dateWords, localInputInstant } from '../logic';
import { actionErrorNotice, field, markRefusedInputs, onSubmit, todayIso } from './action-forms';
import {
  actorWords,
  errorNotice,
  listOrError,
  readManagedServices,
  SERVICE_READS_AT_ONCE,
  screenHeading,
  unread,
} from './shared';

const DAY_MS = 86_400_000;
/**
 * The API takes a review of at most 90 days from the first day's start, and the last day is sent to its end: it may be
 * at most 89 days after the first.
 */
const LAST_DAY_AFTER_FIRST = 89;

/** The latest last day of a review whose first day is `first` (YYYY-MM-DD). */
const latestLastDay = (first: string) =>
  new Date(Date.parse(first) + LAST_DAY_AFTER_FIRST * DAY_MS).toISOString().slice(0, 10);

interface Member {
  readonly id: string;
  readonly displayName?: string | null;
  readonly handle: string;
  readonly roles: readonly string[];
}

/**
 * The services the caller manages (a senior manager: every service), each with a form to assign a team leader to QA
 * checks there for a period: read-only access to the service's records, at most 90 days. The team leaders offered
 * are those who work in the caller's services (the staff a service manager may look up), never the caller.
 */
export async function servicesScreen(
  main: HTMLElement,
  capabilities: Capabilities,
  viewerStaffId: string | undefined,
  seniorManager: boolean,
): Promise<void> {
  render(main, screenHeading('Services'), h('p', {}, 'Loading…'));
  const { nodes, errors, more } = await readManagedServices();
  const services = nodes
    .filter((service) => seniorManager || service.managers.some((manager) => manager.id === viewerStaffId))
    .sort((a, b) => a.name.localeCompare(b.name));
  const teams = await mapInTurn(services, SERVICE_READS_AT_ONCE, (service) =>
    execute(ServiceTeamQuery, { serviceId: service.id }),
  );
  const leaders = new Map<string, Member>();
  for (const team of teams) {
    const node = team.data?.node;
    if (!node || !('membersConnection' in node)) continue;
    for (const { node: member } of node.membersConnection.edges) {
      if (member.roles.includes('TEAM_LEADER') && member.id !== viewerStaffId) leaders.set(member.id, member);
    }
  }
  const candidates = [...leaders.values()].sort((a, b) => actorWords(a).localeCompare(actorWords(b)));
  // A team that could not be read may hold a team leader: the cards then do not say that none works there.
  const teamErrors = teams.flatMap((team) => team.errors);
  render(
    main,
    screenHeading('Services'),
    h(
      'p',
      {},
      seniorManager
        ? 'Every service of the organisation.'
        : 'The services you manage. A QA review gives a team leader read-only access to a service’s records for a period.',
    ),
    more && !unread(errors, nodes.length)
      ? notice(
          `Only the first ${nodes.length} services of the organisation were read: it has more, not shown here.`,
        )
      : null,
    errorNotice(teamErrors),
    ...listOrError(errors, services.length, more ? null : 'You manage no service.', () =>
      h(
        'div',
        {},
        services.map((service, index) =>
          capabilities.assignQaReviews
            ? qaReviewCard(service, index, candidates, teamErrors.length > 0)
            : null,
        ),
      ),
    ),
  );
}

function qaReviewCard(
  service: { id: string; name: string },
  index: number,
  candidates: readonly Member[],
  teamsUnread: boolean,
): HTMLElement {
  const titleId = `service-${index}-title`;
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const leader = h(
    'select',
    { required: true, 'data-api-field': 'staffId' },
    h('option', { value: '' }, 'Choose a team leader'),
    candidates.map((member) => h('option', { value: member.id }, actorWords(member))),
  );
  const from = h('input', {
    type: 'date',
    required: true,
    value: todayIso(),
    min: todayIso(),
    'data-api-field': 'from',
  });
  const to = h('input', {
    type: 'date',
    required: true,
    value: todayIso(new Date(Date.now() + 14 * DAY_MS)),
    min: todayIso(),
    max: latestLastDay(todayIso()),
    'data-api-field': 'to',
  });
  from.addEventListener('input', () => {
    if (!from.value) return;
    to.min = from.value;
    to.max = latestLastDay(from.value);
  });
  const form = h(
    'form',
    { class: 'decision', 'aria-label': `Assign a QA review of ${service.name}` },
    field(`qa-${index}-leader`, `Team leader to review ${service.name}`, leader),
    field(`qa-${index}-from`, `First day of the review of ${service.name}`, from),
    field(
      `qa-${index}-to`,
      `Last day of the review of ${service.name}`,
      to,
      `At most ${LAST_DAY_AFTER_FIRST} days after the first: 90 days, both included. Their access ends at the end of this day (${CONSOLE_TIME_ZONE_WORDS}).`,
    ),
    h('button', { type: 'submit' }, `Assign the QA review of ${service.name}`),
  );
  onSubmit(form, async () => {
    const result = await execute(AssignQaReviewMutation, {
      serviceId: service.id,
      staffId: leader.value,
      // The first day's start to the last day's end, in UK time.
      from: localInputInstant(from.value),
      to: localInputInstant(`${to.value}T23:59:59`),
    });
    if (!result.data?.assignQaReview) {
      outcome.replaceChildren(
        actionErrorNotice(result.errors, {
          FORBIDDEN:
            'You may not assign this review: nobody assigns a review to themself, and only a service’s managers or a senior manager assign one.',
        }),
      );
      markRefusedInputs(form, result.errors);
      return;
    }
    const who = leader.selectedOptions[0]?.textContent ?? 'The team leader';
    outcome.replaceChildren(
      notice(
        `QA review assigned: ${who} may read ${service.name}’s records from ${dateWords(from.value)} to ${dateWords(to.value)}.`,
        'success',
      ),
    );
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, service.name),
    outcome,
    candidates.length > 0
      ? form
      : teamsUnread
        ? null
        : h('p', { class: 'empty' }, 'No team leader works in your services to carry out a QA review.'),
  );
}
