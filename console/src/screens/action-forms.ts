import { type ApiError, errorWords } from '../api';
import { h, notice } from '../dom';

/**
 * What the console's action forms share: a refusal in plain words with the API's code beside them (so a person can
 * quote it to whoever supports them), and a labelled field.
 */

/** The first error's words and its code: "Your role does not allow this. (code FORBIDDEN)". */
export function actionErrorNotice(
  errors: readonly ApiError[],
  words: Partial<Record<string, string>> = {},
): HTMLElement {
  const first = errors[0];
  if (!first) return notice('Nothing was recorded. Try again in a moment.', 'error');
  return notice(`${words[first.code] ?? errorWords(errors)} (code ${first.code})`, 'error');
}

/** A label and its control, one under the other; `hint` is read with the control (aria-describedby). */
export function field(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id = id;
  if (!control.getAttribute('name')) control.setAttribute('name', id);
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    control,
  );
}

/**
 * Runs a form's submission with its buttons disabled, so a double click sends it once; `act` is given the event, whose
 * `submitter` tells which of several buttons sent it.
 */
export function onSubmit(form: HTMLFormElement, act: (event: SubmitEvent) => Promise<void>): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const buttons = [...form.querySelectorAll('button')];
    for (const button of buttons) button.disabled = true;
    try {
      await act(event);
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  });
}

/** Today's date in UTC, YYYY-MM-DD: the default of a date field. */
export const todayIso = (now = new Date()) => now.toISOString().slice(0, 10);
