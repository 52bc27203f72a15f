import { execute } from '../api';
import { BreakGlassReviewQuery, CompleteBreakGlassReviewMutation } from '../documents';
import { facts, h, link, notice, render } from '../dom';
import { dateTimeWords, emergencyAccessEndWords, emergencyReasonWords } from '../logic';
import { actionErrorNotice } from './action-forms';
import { actorWords, errorNotice, focusOutcome, personLabel, screenHeading, showRefusal } from './shared';

/**
 * One break-glass review, and its completion: who opened emergency access to whom, why, for how long, and the
 * finding (justified, or unjustified, which opens a breach register entry) and who recorded it. The reviewer never
 * sees the person's record here, only the references and the stated reason. Once the finding is recorded, the review
 * is read again and drawn with `message`, the outcome: its facts then say what the API holds.
 */
export async function breakGlassScreen(
  main: HTMLElement,
  reviewId: string,
  message?: HTMLElement,
): Promise<void> {
  render(main, screenHeading('Break-glass review'), h('p', {}, 'Loading…'));
  // Read by its id alone: its detail is the person's, each read recorded against them (decision 0152).
  const { data, errors } = await execute(BreakGlassReviewQuery, { reviewId });
  const review = data?.emergencyAccessReview;
  if (!review) {
    // NOT_FOUND says no more than this: the API does not tell a review hidden from the caller from none.
    const error = errors[0]?.code === 'NOT_FOUND' ? null : errorNotice(errors);
    render(
      main,
      screenHeading('Break-glass review'),
      error ?? notice('This review is not one of yours to see.', 'error'),
      h('p', {}, link('/today', 'Back to Today')),
    );
    return;
  }
  const outcome = h(
    'div',
    { class: 'outcome', 'aria-live': 'polite' },
    message ?? null,
    message ? h('p', {}, link('/today', 'Back to Today')) : null,
  );
  const summary = facts([
    ['Who', actorWords(review.actor)],
    [
      'Whose record',
      link(
        `/person/${encodeURIComponent(review.serviceUserId)}`,
        `Who looked at ${personLabel(review.serviceUserId)}`,
      ),
    ],
    ['Reason given', emergencyReasonWords(review.reason)],
    ['What they said', review.detail ?? '(not available)'],
    ['Opened', dateTimeWords(review.openedAt)],
    emergencyAccessEndWords(review, new Date()),
    [
      'Status',
      review.status === 'COMPLETED'
        ? `Completed: ${review.outcome?.toLowerCase() ?? ''}`
        : 'Waiting for review',
    ],
    ['Completed by', review.reviewedByActor ? actorWords(review.reviewedByActor) : null],
  ]);
  const children: Node[] = [screenHeading('Break-glass review'), summary, outcome];
  if (review.status !== 'COMPLETED') {
    const form = h(
      'form',
      { class: 'decision', 'aria-labelledby': 'finding-legend' },
      h(
        'fieldset',
        {},
        h('legend', { id: 'finding-legend' }, 'Your finding'),
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'outcome', value: 'JUSTIFIED', required: true }),
          ' Justified: the emergency warranted the access',
        ),
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'outcome', value: 'UNJUSTIFIED' }),
          ' Unjustified: this opens an entry in the breach register, its 72-hour clock running',
        ),
      ),
      h('button', { type: 'submit' }, 'Record the finding'),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const chosen = new FormData(form).get('outcome');
      if (chosen !== 'JUSTIFIED' && chosen !== 'UNJUSTIFIED') return;
      const button = form.querySelector('button');
      if (button) button.disabled = true;
      const result = await execute(CompleteBreakGlassReviewMutation, {
        reviewId: review.id,
        outcome: chosen,
      });
      const completed = result.data?.completeEmergencyAccessReview;
      if (!completed) {
        if (button) button.disabled = false;
        showRefusal(outcome, actionErrorNotice(result.errors, {}, 'The finding was not recorded.'));
        return;
      }
      await breakGlassScreen(
        main,
        reviewId,
        notice(
          `Review completed: ${completed.outcome === 'JUSTIFIED' ? 'justified' : 'unjustified'}.`,
          'success',
        ),
      );
    });
    children.push(form);
  }
  render(main, ...children);
  focusOutcome(message);
}
