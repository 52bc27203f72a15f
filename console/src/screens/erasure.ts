import { execute } from '../api';
import { ProposeErasureMutation } from '../documents';
import { h, notice } from '../dom';
import { errorNotice, focusOutcome, personLabel } from './shared';

/**
 * The IG lead's proposal to erase a person (two people: it runs when the Caldicott Guardian or another IG lead
 * approves it). The API answers a proposal with APPROVAL_REQUIRED, which here is the expected outcome, not a failure;
 * an open case, a legal hold or an open investigation is the API's CONFLICT, shown in words.
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
    outcome.replaceChildren(
      result.errors.some((error) => error.code === 'CONFLICT')
        ? notice(
            'This person cannot be erased now: their case must be closed, with no legal hold and no open safeguarding investigation.',
            'error',
          )
        : (errorNotice(result.errors) ?? notice('Nothing was recorded.', 'error')),
    );
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
