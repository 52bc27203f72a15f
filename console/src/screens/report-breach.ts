import { execute } from '../api';
import { ReportBreachMutation } from '../case-documents';
import { h, notice } from '../dom';
import { CONSOLE_TIME_ZONE_WORDS, dateTimeWords, localDateTimeInputValue, localInputInstant } from '../logic';
import { actionErrorNotice, field, markRefusedInputs, onSubmit } from './action-forms';

/** The kinds of data a breach may touch, as the register records them (categories, never people). */
const CATEGORIES = [
  ['IDENTIFYING', 'Identity (names, dates of birth, NHS numbers)'],
  ['CONTACT', 'Contact details'],
  ['CARE', 'Care and support notes'],
  ['HEALTH', 'Health'],
  ['FINANCE', 'Finances'],
  ['SAFEGUARDING', 'Safeguarding'],
  ['STAFF_PERSONAL', 'Staff personal details'],
] as const;

/**
 * Reports a breach to the register (`reportBreach`): what happened, the kinds of data and about how many people —
 * categories and counts, never who — and when it was discovered, which starts the 72-hour regulator clock.
 */
export function reportBreachForm(reported: (words: string) => Promise<void>): HTMLElement {
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const nature = h('textarea', {
    rows: 3,
    required: true,
    maxlength: 2000,
    'data-api-field': 'input.nature',
  });
  const subjects = h('input', {
    type: 'number',
    min: 1,
    step: 1,
    required: true,
    inputmode: 'numeric',
    'data-api-field': 'input.approximateSubjects',
  });
  const discovered = h('input', {
    type: 'datetime-local',
    required: true,
    value: localDateTimeInputValue(new Date()),
    max: localDateTimeInputValue(new Date(Date.now() + 60_000)),
    'data-api-field': 'input.discoveredAt',
  });
  const containment = h('textarea', { rows: 2, maxlength: 2000, 'data-api-field': 'input.containment' });
  const form = h(
    'form',
    { class: 'decision', 'aria-label': 'Report a breach' },
    field(
      'breach-nature',
      'What happened',
      nature,
      'Describe the kinds of data and how it happened, not the people: no names here.',
    ),
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', {}, 'Data affected (at least one)'),
      CATEGORIES.map(([value, words]) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'checkbox', name: 'breach-category', value }),
          ` ${words}`,
        ),
      ),
    ),
    field('breach-subjects', 'About how many people are affected', subjects),
    field(
      'breach-discovered',
      `When it was discovered (${CONSOLE_TIME_ZONE_WORDS})`,
      discovered,
      'The regulator must be told within 72 hours of this.',
    ),
    field('breach-containment', 'What was done to contain it (optional)', containment),
    h('button', { type: 'submit' }, 'Report the breach'),
  );
  onSubmit(form, async () => {
    const categories = new FormData(form).getAll('breach-category').map(String);
    if (categories.length === 0) {
      outcome.replaceChildren(notice('Choose at least one kind of data affected.', 'error'));
      form.querySelector<HTMLInputElement>('input[name="breach-category"]')?.focus();
      return;
    }
    const result = await execute(ReportBreachMutation, {
      input: {
        nature: nature.value,
        categories,
        approximateSubjects: Number(subjects.value),
        discoveredAt: localInputInstant(discovered.value),
        containment: containment.value.trim() || null,
      },
    });
    const breach = result.data?.reportBreach;
    if (!breach) {
      outcome.replaceChildren(actionErrorNotice(result.errors));
      markRefusedInputs(form, result.errors);
      return;
    }
    await reported(
      `Breach reported. The regulator must be told by ${dateTimeWords(breach.regulatorDeadline)} if it is reportable.`,
    );
  });
  return h('details', { class: 'card report-breach' }, h('summary', {}, 'Report a breach'), outcome, form);
}
