import { type ApiResult, execute } from '../api';
import {
  AcknowledgeDisclosureWorkMutation,
  CompleteDisclosureReviewMutation,
  DecideDisclosureRequestMutation,
  DisclosureWorkQuery,
  EscalateDisclosureRequestMutation,
  PendingDisclosureReviewsQuery,
} from '../documents';
import { facts, h, link, notice, render } from '../dom';
import type { ConsoleDisclosureWorkQuery, ConsolePendingDisclosureReviewsQuery } from '../gql/graphql';
import {
  ageWords,
  type Capabilities,
  type DisclosureRequestStage,
  dateTimeWords,
  disclosureStageWords,
  enumWords,
  partInDisclosure,
  recordedForAnother,
} from '../logic';
import { actionErrorNotice, markRefusedInputs, onSubmit, requiredText } from './action-forms';
import { openingEntryOf } from './disclosure-actions';
import { actorWords, errorNotice, focusOutcome, personLabel, screenHeading, showRefusal } from './shared';

/** A decision's success, once its form is gone: the words, focused, and the way back. */
function done(outcome: HTMLElement, words: string): void {
  const shown = notice(words, 'success');
  outcome.replaceChildren(shown, h('p', {}, link('/today', 'Back to Today')));
  focusOutcome(shown);
}

/** A text box with its label, required; `apiField` is the argument it gives. */
function reasoningField(
  id: string,
  label: string,
  apiField: string,
): [HTMLLabelElement, HTMLTextAreaElement] {
  const area = h('textarea', {
    id,
    name: id,
    rows: 4,
    required: true,
    maxlength: 2000,
    'data-api-field': apiField,
  });
  return [h('label', { for: id }, label), area];
}

/** Where a request stands once the caller has acted on it, from the register entry the API answered with. */
const STANDS_AFTER: Partial<Record<string, DisclosureRequestStage>> = {
  APPROVED: 'APPROVED',
  REFUSED: 'REFUSED',
  ESCALATED: 'ESCALATED',
};

/**
 * A waiting request's facts. `stands`, once the caller has acted on it, says where it stands now, in place of what it
 * waited for and since when: the screen does not read it again, as it has left the caller's queue.
 */
function requestFacts(item: WorkItem, stands?: string): HTMLDListElement {
  return facts([
    stands ? ['Where it stands', stands] : ['What it waits for', enumWords(item.kind)],
    ['About', personLabel(item.serviceUserId)],
    ['Basis claimed', item.legalBasis ? enumWords(item.legalBasis) : 'none stated'],
    ['Urgent', item.urgent ? 'Yes' : 'No'],
    ['Waiting since', stands ? '' : `${dateTimeWords(item.since)} (${ageWords(item.since, new Date())})`],
  ]);
}

/**
 * A disclosure request waiting for the caller: decide it (approve or refuse, with reasoning), escalate it to the
 * Caldicott Guardian (a service manager, on a request awaiting decision), or acknowledge a flagged decision or a
 * court-order disclosure. Only the actions the item's kind allows the caller are shown.
 */
export async function disclosureRequestScreen(
  main: HTMLElement,
  serviceUserId: string,
  requestId: string,
  capabilities: Capabilities,
) {
  render(main, screenHeading('Disclosure request'), h('p', {}, 'Loading…'));
  const { item, errors } = await findWorkItem(serviceUserId, requestId);
  if (!item) {
    render(
      main,
      screenHeading('Disclosure request'),
      errorNotice(errors) ?? notice('This request is no longer waiting for you.', 'info'),
      h('p', {}, link('/today', 'Back to Today')),
    );
    return;
  }
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  let summary = requestFacts(item);
  /** The facts redrawn from what the API answered: where the request stands now. */
  const nowStands = (stands: string) => {
    const redrawn = requestFacts(item, stands);
    summary.replaceWith(redrawn);
    summary = redrawn;
  };
  const children: Node[] = [
    screenHeading('Disclosure request'),
    summary,
    ...(capabilities.handleDisclosureRequests
      ? [
          h(
            'p',
            {},
            link(
              `/disclosures/${encodeURIComponent(item.serviceUserId)}`,
              'Who asked and why, the items, urgency, author’s authority and corrections',
            ),
          ),
        ]
      : []),
    outcome,
  ];
  const variables = { serviceUserId: item.serviceUserId, requestId: item.requestId };
  if (item.kind === 'AWAITING_DECISION' || item.kind === 'ESCALATED_REQUEST') {
    const [label, reasoning] = reasoningField(
      'reasoning',
      'Your reasoning (recorded in the disclosure register)',
      'reasoning',
    );
    const form = h(
      'form',
      { class: 'decision' },
      label,
      reasoning,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', name: 'decision', value: 'approve' }, 'Approve'),
        h('button', { type: 'submit', name: 'decision', value: 'refuse' }, 'Refuse'),
        item.kind === 'AWAITING_DECISION'
          ? h(
              'button',
              { type: 'submit', name: 'decision', value: 'escalate', class: 'secondary' },
              'Escalate to the Caldicott Guardian',
            )
          : null,
      ),
    );
    onSubmit(form, async (event) => {
      const decision = (event.submitter as HTMLButtonElement | null)?.value;
      const text = requiredText(
        reasoning,
        'Write your reasoning: it is recorded in the disclosure register with your decision.',
      );
      if (!text) return;
      const result =
        decision === 'escalate'
          ? await execute(EscalateDisclosureRequestMutation, { ...variables, reasoning: text })
          : await execute(DecideDisclosureRequestMutation, {
              ...variables,
              approve: decision === 'approve',
              reasoning: text,
            });
      if (result.errors.length > 0 || !result.data) {
        showRefusal(outcome, actionErrorNotice(result.errors));
        markRefusedInputs(form, result.errors);
        return;
      }
      const entry =
        'escalateDisclosureRequest' in result.data
          ? result.data.escalateDisclosureRequest
          : result.data.decideDisclosureRequest;
      const stage = STANDS_AFTER[entry.kind ?? ''];
      nowStands(stage ? disclosureStageWords(stage) : enumWords(entry.kind ?? 'decided'));
      form.remove();
      done(
        outcome,
        decision === 'escalate'
          ? 'Escalated: the Caldicott Guardian decides it now.'
          : `Decision recorded: ${decision === 'approve' ? 'approved' : 'refused'}.`,
      );
    });
    children.push(form);
  } else {
    const form = h('form', {}, h('button', { type: 'submit' }, 'Acknowledge'));
    onSubmit(form, async () => {
      const result = await execute(AcknowledgeDisclosureWorkMutation, variables);
      if (result.errors.length > 0) {
        showRefusal(outcome, actionErrorNotice(result.errors));
        return;
      }
      nowStands(`${enumWords(item.kind)}, acknowledged by you`);
      form.remove();
      done(outcome, 'Acknowledged.');
    });
    children.push(form);
  }
  render(main, ...children);
}

/**
 * An exceptional disclosure's review: who made the disclosure and, when the Caldicott Guardian recorded it for them,
 * who recorded it; whether the person was told when it was recorded; and the finding with the reviewer's notes,
 * offered only to a reviewer who neither made nor recorded the disclosure (the API refuses both, decision 0142).
 */
export async function disclosureReviewScreen(
  main: HTMLElement,
  reviewId: string,
  viewerStaffId: string | undefined,
  capabilities: Capabilities,
) {
  render(main, screenHeading('Disclosure review'), h('p', {}, 'Loading…'));
  const { review, errors } = await findPendingReview(reviewId);
  if (!review) {
    render(
      main,
      screenHeading('Disclosure review'),
      errorNotice(errors) ?? notice('This review is no longer waiting.', 'info'),
      h('p', {}, link('/today', 'Back to Today')),
    );
    return;
  }
  // The review keeps what was recorded then (decision 0145): whether the person has been told since is in their
  // register, read on their Disclosures screen, not here (a review carries references only). Why they were not told
  // is in the disclosure's register entry, which the review's readers may read: it is read for them here.
  const whyNotTold = review.clientInformed
    ? undefined
    : (await openingEntryOf(review.serviceUserId, review.requestId)).entry?.reasonNotInformed;
  const told = review.clientInformed
    ? 'Yes'
    : [
        whyNotTold ? 'Not when it was recorded. ' : 'Not when it was recorded (the register says why). ',
        capabilities.handleDisclosureRequests
          ? link(
              `/disclosures/${encodeURIComponent(review.serviceUserId)}`,
              'Whether they have been told since',
            )
          : null,
      ];
  const parties: [string, string][] = recordedForAnother(review)
    ? [
        ['Disclosed by', actorWords(review.madeByActor)],
        ['Recorded by', actorWords(review.recordedByActor)],
      ]
    : [['Disclosed and recorded by', actorWords(review.recordedByActor)]];
  const part = partInDisclosure(review, viewerStaffId);
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  render(
    main,
    screenHeading('Disclosure review'),
    facts([
      ['About', personLabel(review.serviceUserId)],
      ...parties,
      ['Legal basis', enumWords(review.legalBasis)],
      ['Person told', told],
      ['Why they were not told', whyNotTold ?? ''],
      ['Raised', dateTimeWords(review.openedAt)],
    ]),
    outcome,
    part ? notice(notYoursWords(part)) : findingForm(review, outcome),
  );
}

/** Why the viewer is not offered the finding: they made the disclosure, or recorded it for the one who did. */
function notYoursWords(part: NonNullable<ReturnType<typeof partInDisclosure>>): string {
  const who =
    part === 'MADE'
      ? 'You made this disclosure'
      : 'You recorded this disclosure for the staff member who made it';
  return `${who}, so its review is not yours: a manager of the service or a Caldicott Guardian who neither made nor recorded it completes it.`;
}

/** The finding and the reviewer's notes. */
function findingForm(review: Review, outcome: HTMLElement): HTMLFormElement {
  const [label, notes] = reasoningField('notes', 'What you found and did', 'notes');
  const form = h(
    'form',
    { class: 'decision' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Your finding'),
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'outcome', value: 'JUSTIFIED', required: true }),
        ' Justified',
      ),
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'outcome', value: 'UNJUSTIFIED' }),
        ' Unjustified: this opens a breach register entry',
      ),
    ),
    label,
    notes,
    h('button', { type: 'submit' }, 'Record the finding'),
  );
  onSubmit(form, async () => {
    const chosen = new FormData(form).get('outcome');
    if (chosen !== 'JUSTIFIED' && chosen !== 'UNJUSTIFIED') return;
    const written = requiredText(
      notes,
      'Write what you found and did: the reviewers read it with your finding.',
    );
    if (!written) return;
    const result = await execute(CompleteDisclosureReviewMutation, {
      reviewId: review.id,
      outcome: chosen,
      notes: written,
    });
    if (!result.data) {
      showRefusal(outcome, actionErrorNotice(result.errors));
      markRefusedInputs(form, result.errors);
      return;
    }
    form.remove();
    done(outcome, `Review completed: ${chosen.toLowerCase()}.`);
  });
  return form;
}

type WorkItem = ConsoleDisclosureWorkQuery['disclosureWorkQueueConnection']['edges'][number]['node'];

/** The request's item in the caller's disclosure work, read a page at a time until found. */
async function findWorkItem(
  serviceUserId: string,
  requestId: string,
  after: string | null = null,
): Promise<{ item: WorkItem | undefined; errors: ApiResult<unknown>['errors'] }> {
  const { data, errors } = await execute(DisclosureWorkQuery, { after });
  const connection = data?.disclosureWorkQueueConnection;
  const item = connection?.edges.find(
    ({ node }) => node.requestId === requestId && node.serviceUserId === serviceUserId,
  )?.node;
  if (item || errors.length > 0 || !connection?.pageInfo.hasNextPage) return { item, errors };
  return findWorkItem(serviceUserId, requestId, connection.pageInfo.endCursor ?? null);
}

type Review = ConsolePendingDisclosureReviewsQuery['disclosureReviewsConnection']['edges'][number]['node'];

/** The review with this id among those the caller may see, read a page at a time until found. */
async function findPendingReview(
  reviewId: string,
  after: string | null = null,
): Promise<{ review: Review | undefined; errors: ApiResult<unknown>['errors'] }> {
  const { data, errors } = await execute(PendingDisclosureReviewsQuery, { after });
  const connection = data?.disclosureReviewsConnection;
  const review = connection?.edges.find(({ node }) => node.id === reviewId)?.node;
  if (review || errors.length > 0 || !connection?.pageInfo.hasNextPage) return { review, errors };
  return findPendingReview(reviewId, connection.pageInfo.endCursor ?? null);
}
