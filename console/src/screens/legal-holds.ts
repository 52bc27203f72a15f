import { execute } from '../api';
import {
  LegalHoldsQuery,
  LiftLegalHoldMutation,
  PersonLegalHoldQuery,
  PlaceLegalHoldMutation,
} from '../documents';
import { facts, h, link, notice, render } from '../dom';
import { type Capabilities, dateTimeWords } from '../logic';
import { actionErrorNotice, markRefusedInputs } from './action-forms';
import { actorWords, focusOutcome, listOrError, personLabel, screenHeading, showRefusal } from './shared';

/** A required reason box with its label; the API keeps it sealed on the hold and audits it as the purpose. */
function reasonField(id: string, label: string): [HTMLLabelElement, HTMLTextAreaElement] {
  const area = h('textarea', {
    id,
    name: id,
    rows: 3,
    required: true,
    maxlength: 1000,
    'data-api-field': 'reason',
  });
  return [h('label', { for: id }, label), area];
}

/**
 * The register of legal holds (senior managers, the IG lead, the Caldicott Guardian): each active hold, who placed it
 * and why, and lifting it with a reason. A lift the API refuses (one that would let the records expire at once is an
 * erasure) shows its words and leaves the hold in place.
 */
export async function legalHoldsScreen(
  main: HTMLElement,
  capabilities: Capabilities,
  message?: HTMLElement,
): Promise<void> {
  render(main, screenHeading('Legal holds'), h('p', {}, 'Loading…'));
  const { data, errors } = await execute(LegalHoldsQuery, { after: null });
  const holds = (data?.legalHolds.edges ?? []).map(({ node }) => node);
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' }, message ?? null);
  const cards = holds.map((hold, index) => {
    const label = personLabel(hold.serviceUserId);
    const [reasonLabel, reason] = reasonField(`lift-reason-${index}`, `Why the hold on ${label} ends`);
    const lift = h('button', { type: 'submit' }, `Lift the hold on ${label}`);
    const form = h('form', { class: 'decision' }, reasonLabel, reason, lift);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      lift.disabled = true;
      const result = await execute(LiftLegalHoldMutation, {
        serviceUserId: hold.serviceUserId,
        reason: reason.value,
      });
      const lifted = result.data?.liftLegalHold;
      if (!lifted) {
        lift.disabled = false;
        showRefusal(outcome, actionErrorNotice(result.errors));
        markRefusedInputs(form, result.errors);
        return;
      }
      await legalHoldsScreen(
        main,
        capabilities,
        notice(
          `The hold on ${label} was lifted ${lifted.liftedAt ? dateTimeWords(lifted.liftedAt) : ''} by ${lifted.liftedByActor ? actorWords(lifted.liftedByActor) : 'you'}. Its records are kept again only as long as the retention rules say.`,
          'success',
        ),
      );
    });
    return h(
      'section',
      { class: 'card legal-hold', 'aria-labelledby': `hold-${index}-title` },
      h(
        'h2',
        { id: `hold-${index}-title` },
        capabilities.accessLog ? link(`/person/${encodeURIComponent(hold.serviceUserId)}`, label) : label,
      ),
      facts([
        ['Case reference', hold.reference],
        ['Placed', dateTimeWords(hold.placedAt)],
        ['Placed by', actorWords(hold.placedByActor)],
        ['Why', hold.reason ?? 'not readable'],
      ]),
      form,
    );
  });
  render(
    main,
    screenHeading('Legal holds'),
    h(
      'p',
      {},
      'A held person’s records are kept past any retention date and cannot be erased until the hold is lifted.',
    ),
    outcome,
    ...listOrError(errors, holds.length, 'No legal hold is active.', () =>
      h(
        'div',
        {},
        h(
          'p',
          { class: 'count-line' },
          `${holds.length}${data?.legalHolds.pageInfo.hasNextPage ? '+' : ''} active ${holds.length === 1 ? 'hold' : 'holds'}, oldest first`,
        ),
        ...cards,
      ),
    ),
  );
  focusOutcome(message);
}

/**
 * Placing a legal hold on one person, with the proceedings it is material to. Offered on the person's screen to the
 * roles that may place one; the API decides for the person (a manager: their services' people only). While a hold is
 * in place, the card says so instead.
 */
export function placeLegalHoldForm(serviceUserId: string): HTMLElement {
  const label = personLabel(serviceUserId);
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const [reasonLabel, reason] = reasonField(
    'hold-reason',
    'Why (the proceedings the records are material to)',
  );
  const place = h('button', { type: 'submit' }, 'Place the hold');
  const form = h('form', { class: 'decision' }, reasonLabel, reason, place);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    place.disabled = true;
    const result = await execute(PlaceLegalHoldMutation, { serviceUserId, reason: reason.value });
    const placed = result.data?.placeLegalHold;
    place.disabled = false;
    if (!placed) {
      showRefusal(outcome, actionErrorNotice(result.errors));
      markRefusedInputs(form, result.errors);
      return;
    }
    form.remove();
    const recorded = notice(
      `Legal hold placed on ${label} ${dateTimeWords(placed.placedAt)} by ${actorWords(placed.placedByActor)}. Its records are kept and cannot be erased until the hold is lifted.`,
      'success',
    );
    outcome.replaceChildren(recorded);
    focusOutcome(recorded);
  });
  const about = h(
    'p',
    {},
    'Keep every record of this person past any retention date and block their erasure, for example while they are material to legal proceedings.',
  );
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'place-hold-title', 'aria-busy': 'true' },
    h('h2', { id: 'place-hold-title' }, 'Legal hold'),
    about,
    outcome,
  );
  // A hold in place is said, not offered again. Should the read fail, the form is offered: placing a hold again
  // only returns the one in place.
  void execute(PersonLegalHoldQuery, { serviceUserId }).then(({ data }) => {
    section.removeAttribute('aria-busy');
    if (data?.serviceUser.retention?.legalHold) {
      about.replaceWith(
        h(
          'p',
          {},
          `A legal hold is in place on ${label}: their records are kept past any retention date and cannot be erased. A senior manager, the IG lead or the Caldicott Guardian lifts it, on the register of legal holds.`,
        ),
      );
      return;
    }
    section.append(form);
  });
  return section;
}
