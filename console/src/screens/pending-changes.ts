import { execute } from '../api';
import { ApproveChangeMutation, PendingChangesToDecideQuery, RejectChangeMutation } from '../documents';
import { h, link, notice, render } from '../dom';
import {
  ageWords,
  dateTimeWords,
  type IrreversibleChange,
  inWorkingOrder,
  irreversibleChange,
  pendingChangeWords,
  pendingRuleWords,
  pendingSubjectWords,
} from '../logic';
import { actionErrorNotice } from './action-forms';
import { erasureRefusals } from './erasure';
import { actorWords, focusOutcome, listOrError, screenHeading, showRefusal } from './shared';

/**
 * Changes waiting for the caller as the second person (the two-person rule). The API lists only the changes the
 * caller may approve and never their own proposals, so what is here is theirs to decide: approving runs the change
 * exactly as proposed; rejecting means it never runs. The API asks no reason for either; each change says why it was
 * proposed, in its proposer's words, where its operation takes a reason (decision 0149). Approving a change that cannot
 * be undone (an erasure) takes a second, explicit step in the page, which says what it does.
 */
export async function pendingChangesScreen(main: HTMLElement, message?: HTMLElement): Promise<void> {
  render(main, screenHeading('Changes waiting for you'), h('p', {}, 'Loading…'));
  const { data, errors } = await execute(PendingChangesToDecideQuery);
  const now = new Date();
  const changes = inWorkingOrder(
    (data?.pendingChangesConnection.edges ?? []).map(({ node }) => ({ ...node, since: node.proposedAt })),
  );
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' }, message ?? null);
  /** Sends the decision; a refusal is said (an erasure's CONFLICT in the API's words), a success redraws the list. */
  const send = async (
    change: (typeof changes)[number],
    verb: 'Approve' | 'Reject',
    buttons: HTMLButtonElement[],
  ) => {
    const about = pendingSubjectWords(change.subjectKind, change.subjectId);
    for (const each of buttons) each.disabled = true;
    const result =
      verb === 'Approve'
        ? await execute(ApproveChangeMutation, { approvalId: change.id })
        : await execute(RejectChangeMutation, { approvalId: change.id });
    if (!result.data) {
      for (const each of buttons) each.disabled = false;
      showRefusal(
        outcome,
        actionErrorNotice(
          result.errors,
          change.operation === 'eraseServiceUser' ? erasureRefusals(result.errors) : {},
        ),
      );
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
  };
  /** A change's Approve and Reject; approving one that cannot be undone asks first (see `confirmation`). */
  const decisions = (change: (typeof changes)[number]): HTMLElement => {
    const actions = h('div', { class: 'actions' });
    const buttons: HTMLButtonElement[] = [];
    // Two changes of a kind by the same person differ only in their subject: it ends each button's name.
    const about = pendingSubjectWords(change.subjectKind, change.subjectId);
    const named = (verb: string) =>
      `${verb}: ${pendingChangeWords(change.operation)}, proposed by ${actorWords(change.proposedByActor)}${about ? `, about ${about}` : ''}`;
    const approve = h('button', { type: 'button', 'aria-label': named('Approve') }, 'Approve');
    const reject = h(
      'button',
      { type: 'button', class: 'secondary', 'aria-label': named('Reject') },
      'Reject',
    );
    buttons.push(approve, reject);
    const irreversible = irreversibleChange(change.operation);
    approve.addEventListener('click', () => {
      if (!irreversible) {
        void send(change, 'Approve', buttons);
        return;
      }
      const asked = confirmation(irreversible, about, {
        confirmed: (confirm) => send(change, 'Approve', [confirm, ...buttons]),
        cancelled: () => {
          asked.replaceWith(actions);
          approve.focus();
        },
      });
      actions.replaceWith(asked);
      focusOutcome(asked.querySelector('p'));
    });
    reject.addEventListener('click', () => void send(change, 'Reject', buttons));
    actions.append(approve, reject);
    return actions;
  };
  render(
    main,
    screenHeading('Changes waiting for you'),
    h(
      'p',
      {},
      'Some changes need a second person with authority. Approving one runs it exactly as proposed; rejecting it means it never runs. Your own proposals are decided by someone else.',
    ),
    outcome,
    ...listOrError(errors, changes.length, 'No change is waiting for you.', () =>
      h(
        'ul',
        { class: 'items' },
        changes.map((change) => {
          return h(
            'li',
            { class: 'item pending-change' },
            h(
              'div',
              {},
              h('p', { class: 'item-title' }, pendingChangeWords(change.operation)),
              subjectLine(change),
              change.reason ? h('p', { class: 'item-detail' }, `Why: ${change.reason}`) : null,
              h(
                'p',
                { class: 'item-detail' },
                `Proposed by ${actorWords(change.proposedByActor)} ${dateTimeWords(change.proposedAt)} (${ageWords(change.proposedAt, now)}) · ${pendingRuleWords(change.rule)}`,
              ),
            ),
            decisions(change),
          );
        }),
      ),
    ),
    data?.pendingChangesConnection.pageInfo.hasNextPage
      ? h('p', { class: 'queue-age' }, 'More are waiting than are listed here: decide these first.')
      : null,
  );
  focusOutcome(message);
}

/**
 * The second step of approving a change that cannot be undone: what approving does, and the confirming button, or
 * back. Named by what it confirms, for the list holds several.
 */
function confirmation(
  change: IrreversibleChange,
  about: string | undefined,
  {
    confirmed,
    cancelled,
  }: { confirmed: (confirm: HTMLButtonElement) => Promise<void>; cancelled: () => void },
): HTMLElement {
  const what = `${change.what}${about ? ` of ${about}` : ''}`;
  const confirm = h(
    'button',
    { type: 'button', class: 'danger', 'aria-label': `${change.confirm}${about ? `: ${about}` : ''}` },
    change.confirm,
  );
  const cancel = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': `Cancel ${what}` },
    'Cancel',
  );
  confirm.addEventListener('click', () => void confirmed(confirm));
  cancel.addEventListener('click', cancelled);
  return h(
    'div',
    { class: 'confirm', role: 'group', 'aria-label': `Confirm ${what}` },
    h('p', {}, change.consequence),
    h('div', { class: 'actions' }, confirm, cancel),
  );
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
