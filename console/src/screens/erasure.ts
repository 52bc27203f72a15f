import { type ApiError, execute } from '../api';
import { ProposeErasureMutation } from '../documents';
import { h, notice } from '../dom';
import { actionErrorNotice, markRefusedInputs } from './action-forms';
import { focusOutcome, personLabel, showRefusal } from './shared';

/**
 * Why an erasure cannot run now, in the API's words: CONFLICT names what stands in the way, and what to do about it.
 * For the proposal here and for its approval (`pending-changes.ts`), where the API checks it again.
 */
export function erasureRefusals(errors: readonly ApiError[]): Partial<Record<string, string>> {
  const conflict = errors.find((error) => error.code === 'CONFLICT');
  return conflict ? { CONFLICT: `This person cannot be erased now: ${conflict.message}` } : {};
}

/**
 * The IG lead's proposal to erase a person (two people: it runs when the Caldicott Guardian or another IG lead
 * approves it). The API answers a proposal with APPROVAL_REQUIRED, which here is the expected outcome, not a failure;
 * what stands in the way (an open case, a legal hold, an open investigation, an emergency access awaiting its review)
 * is the API's CONFLICT, whose message names it (the API's messages hold no personal data).
 */
export function proposeErasureForm(serviceUserId: string): HTMLElement {
  const label = personLabel(serviceUserId);
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const reason = h('textarea', {
    id: 'erasure-reason',
    name: 'erasure-reason',
    rows: 3,
    required: true,
    maxlength: 1000,
    'data-api-field': 'reason',
  });
  const propose = h('button', { type: 'submit' }, 'Propose the erasure');
  const form = h(
    'form',
    { class: 'decision' },
    h('label', { for: 'erasure-reason' }, 'Why (for example the erasure request it answers)'),
    reason,
    propose,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    propose.disabled = true;
    const result = await execute(ProposeErasureMutation, { serviceUserId, reason: reason.value });
    propose.disabled = false;
    if (result.errors.some((error) => error.code === 'APPROVAL_REQUIRED')) {
      form.remove();
      const proposed = notice(
        `Erasure of ${label} proposed. It runs only when the Caldicott Guardian or another IG lead approves it.`,
        'success',
      );
      outcome.replaceChildren(proposed);
      focusOutcome(proposed);
      return;
    }
    showRefusal(outcome, actionErrorNotice(result.errors, erasureRefusals(result.errors)));
    markRefusedInputs(form, result.errors);
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'erasure-title' },
    h('h2', { id: 'erasure-title' }, 'Erasure'),
    h(
      'p',
      {},
      'Erasing destroys the person’s data key and deletes their records, leaving only a tombstone. A second person approves it before it runs.',
    ),
    outcome,
    form,
  );
}
