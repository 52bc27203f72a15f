import { execute } from '../api';
import { ApproveChangeMutation, PendingChangesQuery, RejectChangeMutation } from '../documents';
import { h, link, notice, render } from '../dom';
import {
  ageWords,
  dateTimeWords,
  inWorkingOrder,
  pendingChangeWords,
  pendingRuleWords,
  pendingSubjectWords,
} from '../logic';
import { actorWords, errorNotice, focusOutcome, screenHeading } from './shared';

/**
 * Changes waiting for the caller as the second person (the two-person rule). The API lists only the changes the
 * caller may approve and never their own proposals, so what is here is theirs to decide: approving runs the change
 * exactly as proposed; rejecting means it never runs. The API asks no reason for either (the proposal carries its own).
 */
export async function pendingChangesScreen(main: HTMLElement, message?: HTMLElement): Promise<void> {
  render(main, screenHeading('Changes waiting for you'), h('p', {}, 'Loading…'));
  const { data, errors } = await execute(PendingChangesQuery);
  const now = new Date();
  const changes = inWorkingOrder(
    (data?.pendingChangesConnection.edges ?? []).map(({ node }) => ({ ...node, since: node.proposedAt })),
  );
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' }, message ?? null);
  const decide = (
    change: (typeof changes)[number],
    verb: 'Approve' | 'Reject',
    buttons: HTMLButtonElement[],
  ) => {
    // Two changes of a kind by the same person differ only in their subject: it ends each button's name.
    const about = pendingSubjectWords(change.subjectKind, change.subjectId);
    const button = h(
      'button',
      {
        type: 'button',
        ...(verb === 'Reject' ? { class: 'secondary' } : {}),
        'aria-label': `${verb}: ${pendingChangeWords(change.operation)}, proposed by ${actorWords(change.proposedByActor)}${about ? `, about ${about}` : ''}`,
      },
      verb,
    );
    button.addEventListener('click', async () => {
      for (const each of buttons) each.disabled = true;
      const result =
        verb === 'Approve'
          ? await execute(ApproveChangeMutation, { approvalId: change.id })
          : await execute(RejectChangeMutation, { approvalId: change.id });
      if (!result.data) {
        for (const each of buttons) each.disabled = false;
        outcome.replaceChildren(errorNotice(result.errors) ?? notice('Nothing was recorded.', 'error'));
        return;
      }
      await pendingChangesScreen(
        main,
        notice(
          `${
            verb === 'Approve'
              ? `Approved: ${pendingChangeWords(change.operation)}. It has run as proposed.`
              : `Rejected: ${pendingChangeWords(change.operation)}. It will not run.`
          }${about ? ` (${about})` : ''}`,
          'success',
        ),
      );
    });
    buttons.push(button);
    return button;
  };
  render(
    main,
    screenHeading('Changes waiting for you'),
    h(
      'p',
      {},
      'Some changes need a second person with authority. Approving one runs it exactly as proposed; rejecting it means it never runs. Your own proposals are decided by someone else.',
    ),
    errorNotice(errors),
    outcome,
    changes.length === 0 && errors.length === 0
      ? h('p', { class: 'empty' }, 'No change is waiting for you.')
      : h(
          'ul',
          { class: 'items' },
          changes.map((change) => {
            const buttons: HTMLButtonElement[] = [];
            return h(
              'li',
              { class: 'item pending-change' },
              h(
                'div',
                {},
                h('p', { class: 'item-title' }, pendingChangeWords(change.operation)),
                subjectLine(change),
                h(
                  'p',
                  { class: 'item-detail' },
                  `Proposed by ${actorWords(change.proposedByActor)} ${dateTimeWords(change.proposedAt)} (${ageWords(change.proposedAt, now)}) · ${pendingRuleWords(change.rule)}`,
                ),
              ),
              h(
                'div',
                { class: 'actions' },
                decide(change, 'Approve', buttons),
                decide(change, 'Reject', buttons),
              ),
            );
          }),
        ),
    data?.pendingChangesConnection.pageInfo.hasNextPage
      ? h('p', { class: 'queue-age' }, 'More are waiting than are listed here: decide these first.')
      : null,
  );
  focusOutcome(message);
}

/** What a change is about: a person opens their screen (who looked at them), anything else is its label. */
function subjectLine(change: { subjectKind?: string | null; subjectId?: string | null }): HTMLElement | null {
  const about = pendingSubjectWords(change.subjectKind, change.subjectId);
  if (!about || !change.subjectId) return null;
  return h(
    'p',
    { class: 'item-detail' },
    'About ',
    change.subjectKind === 'SERVICE_USER'
      ? link(`/person/${encodeURIComponent(change.subjectId)}`, about)
      : about,
  );
}
