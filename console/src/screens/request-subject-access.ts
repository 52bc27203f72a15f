import { execute } from '../api';
import { RequestSubjectAccessMutation } from '../case-documents';
import { h, notice } from '../dom';
import { dateWords } from '../logic';
import { actionErrorNotice, field, markRefusedInputs, onSubmit, todayIso } from './action-forms';
import { personLabel } from './shared';

/** How staff checked the person's identity (the API's `SubjectAccessIdentityCheck`), in words. */
const IDENTITY_CHECKS = [
  ['PHOTO_ID', 'Photo identity document seen'],
  ['SIGNED_LETTER', 'Signed letter from the person'],
  ['KNOWN_TO_STAFF', 'Known to staff who spoke with them'],
  ['REPRESENTATIVE_AUTHORITY', 'A representative’s written authority'],
] as const;

type IdentityCheck = (typeof IDENTITY_CHECKS)[number][0];

/**
 * Records a person's subject access request on their behalf (`requestSubjectAccess`): the date it was received starts
 * the one-month deadline, and staff say how they checked the person's identity. `recorded` runs once the API has it.
 */
export function requestSubjectAccessForm(
  serviceUserId: string,
  recorded?: (words: string) => Promise<void>,
): HTMLElement {
  const label = personLabel(serviceUserId);
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const receivedOn = h('input', {
    type: 'date',
    required: true,
    value: todayIso(),
    max: todayIso(),
    'data-api-field': 'receivedOn',
  });
  const form = h(
    'form',
    { class: 'decision' },
    field('sar-received-on', 'Received on', receivedOn, 'The answer is due one calendar month later.'),
    h(
      'fieldset',
      {},
      h('legend', {}, 'How the person’s identity was checked'),
      IDENTITY_CHECKS.map(([value, words], index) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'sar-identity', value, required: index === 0 }),
          ` ${words}`,
        ),
      ),
    ),
    h('button', { type: 'submit' }, 'Record the request'),
  );
  onSubmit(form, async () => {
    const identityCheck = new FormData(form).get('sar-identity') as IdentityCheck | null;
    const result = await execute(RequestSubjectAccessMutation, {
      serviceUserId,
      receivedOn: receivedOn.value,
      identityCheck,
    });
    const request = result.data?.requestSubjectAccess;
    if (!request) {
      outcome.replaceChildren(actionErrorNotice(result.errors));
      markRefusedInputs(form, result.errors);
      return;
    }
    const words = `Subject access request recorded for ${label}: answer by ${dateWords(request.deadline)}.`;
    form.reset();
    if (recorded) await recorded(words);
    else outcome.replaceChildren(notice(words, 'success'));
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'sar-title' },
    h('h2', { id: 'sar-title' }, `Record a subject access request for ${label}`),
    h(
      'p',
      {},
      'The person asked for a copy of their data. A second person approves the export before anyone reads it.',
    ),
    outcome,
    form,
  );
}
