import { type ApiError, errorWords } from '../api';
import { h, notice } from '../dom';
import { localDateIso } from '../logic';
import { focusOutcome, signInRefusedNotice } from './shared';

/**
 * What the console's action forms share: a refusal in plain words with the API's code beside them (so a person can
 * quote it to whoever supports them), a labelled field, and a field's own error.
 */

/**
 * The first error's words and its code: "Your role does not allow this. (code FORBIDDEN)". A refused sign-in offers
 * to sign in again (`signInRefusedNotice`).
 */
export function actionErrorNotice(
  errors: readonly ApiError[],
  words: Partial<Record<string, string>> = {},
  fallback = 'Nothing was recorded. Try again in a moment.',
): HTMLElement {
  const first = errors[0];
  if (!first) return notice(fallback, 'error');
  const own = words[first.code];
  if (!own && first.code === 'UNAUTHENTICATED') return signInRefusedNotice(first.code);
  return notice(`${own ?? errorWords(errors)} (code ${first.code})`, 'error');
}

/**
 * Shows a field's error next to it, between its label (and hint) and the control, so that it is read before what was
 * typed: the control is marked invalid, described by the error, and focused, for the person to correct it there. An
 * earlier error of the same field is replaced.
 */
export function showFieldError(control: HTMLElement, words: string): void {
  clearFieldError(control);
  const id = `${control.id}-error`;
  control.before(h('p', { class: 'field-error', id }, words));
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute(
    'aria-describedby',
    [id, control.getAttribute('aria-describedby')].filter(Boolean).join(' '),
  );
  control.focus();
}

/** Takes a field's error away, once what it says has been put right. */
export function clearFieldError(control: HTMLElement): void {
  const id = `${control.id}-error`;
  const shown = control.previousElementSibling;
  if (shown?.id === id) shown.remove();
  control.removeAttribute('aria-invalid');
  const described = (control.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter((each) => each && each !== id);
  if (described.length > 0) control.setAttribute('aria-describedby', described.join(' '));
  else control.removeAttribute('aria-describedby');
}

/**
 * Marks each control of `form` that a BAD_USER_INPUT in `errors` names, as {@link showFieldError} does, with the
 * API's words: the control whose `data-api-field` is the error's path without list indexes (`input.nature`,
 * `input.redactions` for `input.redactions.2`, `reason`). Focus goes to the first error's control. Called once the
 * refusal's banner is shown, which stays (it says the action was not done); the marks go on the form's next submit.
 */
export function markRefusedInputs(form: HTMLFormElement, errors: readonly ApiError[]): void {
  const controls = [...form.querySelectorAll<HTMLElement>('[data-api-field]')];
  const refused = errors.flatMap(({ code, field: path, message }) => {
    const named = path?.filter((name) => !/^\d+$/.test(name)).join('.');
    const control = code === 'BAD_USER_INPUT' && controls.find((each) => each.dataset.apiField === named);
    return control ? [{ control, message }] : [];
  });
  if (refused.length === 0) return;
  // Last to first: the first error's control is focused last, and its words win on a control named twice.
  for (const { control, message } of refused.toReversed()) showFieldError(control, message);
  // Capturing, so that it runs before the form's own submit handlers, whose checks may mark a control again.
  form.addEventListener(
    'submit',
    () => {
      for (const { control } of refused) clearFieldError(control);
    },
    { capture: true, once: true },
  );
}

/**
 * A required text as typed, without the spaces and new lines around it; when nothing else is left (the browser's
 * `required` lets a field of spaces through), its field says `words` and keeps focus, and nothing is sent.
 */
export function requiredText(
  control: HTMLInputElement | HTMLTextAreaElement,
  words: string,
): string | undefined {
  const text = control.value.trim();
  if (!text) {
    showFieldError(control, words);
    return undefined;
  }
  clearFieldError(control);
  return text;
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
    // Disabling the buttons took focus from the one used. Unless the action moved it (to its outcome, a field's error,
    // a screen drawn again), it goes to the outcome's notice, not the page's body.
    if (!document.activeElement || document.activeElement === document.body) {
      focusOutcome(form.closest('section, details, main')?.querySelector<HTMLElement>('.outcome .notice'));
    }
  });
}

/**
 * Today's date in the console's time zone (UK time), YYYY-MM-DD: the default, and the latest, of a date field. Not the
 * UTC date, which from midnight to 01:00 British Summer Time is still the day before.
 */
export const todayIso = (now = new Date()) => localDateIso(now);
