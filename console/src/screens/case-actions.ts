import { execute } from '../api';
import {
  ClearConflictMutation,
  CloseCaseMutation,
  CloseInvestigationMutation,
  DeclareConflictMutation,
  OpenInvestigationMutation,
  PersonCaseQuery,
  ReopenCaseMutation,
} from '../case-documents';
import { facts, h, notice } from '../dom';
import { dateWords, localInputInstant } from '../logic';
import { actionErrorNotice, field, markRefusedInputs, onSubmit, todayIso } from './action-forms';
import { actorWords, personLabel } from './shared';

/** The connections a conflict of interest names, in words (the API's `ConflictConnection`). */
const CONNECTIONS = [
  ['RELATIVE', 'A relative'],
  ['FORMER_PARTNER', 'A former partner'],
  ['FRIEND', 'A friend'],
  ['NEIGHBOUR', 'A neighbour'],
  ['NAMED_BY_CLIENT', 'The person named them'],
  ['OTHER', 'Another connection'],
] as const;

type Connection = (typeof CONNECTIONS)[number][0];

interface Member {
  readonly id: string;
  readonly displayName?: string | null;
  readonly handle: string;
  readonly roles: readonly string[];
}

const memberOptions = (members: readonly Member[], placeholder: string) => [
  h('option', { value: '' }, placeholder),
  ...members.map((member) => h('option', { value: member.id }, actorWords(member))),
];

/**
 * A person's case, for the managers of their service: its status with closing and reopening, a safeguarding
 * investigation opened and closed, and conflicts of interest declared and cleared. Each form says what the API
 * answered; a refusal is in words with its code. The staff offered are the people who work in the person's service
 * (the only staff a service manager may look up).
 */
export async function caseActions(serviceUserId: string): Promise<HTMLElement> {
  const label = personLabel(serviceUserId);
  const section = h('section', { class: 'card case-actions', 'aria-labelledby': 'case-title' });
  const { data, errors } = await execute(PersonCaseQuery, { serviceUserId });
  const person = data?.serviceUser;
  if (!person) {
    section.append(h('h2', { id: 'case-title' }, 'Case'), actionErrorNotice(errors));
    return section;
  }
  const members = (person.service?.membersConnection.edges ?? []).map(({ node }) => node);
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const say = (...children: HTMLElement[]) => outcome.replaceChildren(...children);
  let version = person.version ?? 0;
  let status = person.caseStatus ?? 'OPEN';

  // ── Close or reopen ──────────────────────────────────────────────────────────────────────────────────────
  const statusLine = h('div', {});
  const caseForm = h('form', { class: 'decision', 'aria-label': 'Close or reopen the case' });
  const showStatus = (closedAt?: string | null) => {
    statusLine.replaceChildren(
      facts([
        ['Service', person.service?.name ?? ''],
        ['Case', status === 'OPEN' ? 'open' : `closed${closedAt ? ` on ${dateWords(closedAt)}` : ''}`],
      ]),
    );
    const closedOn = h('input', { type: 'date', max: todayIso(), 'data-api-field': 'input.closedAt' });
    caseForm.replaceChildren(
      ...(status === 'OPEN'
        ? [
            field(
              'case-closed-on',
              'Closed on (leave empty for today)',
              closedOn,
              'At most 30 days back. Closing starts the retention of the person’s records.',
            ),
            h('button', { type: 'submit' }, 'Close the case'),
          ]
        : [h('button', { type: 'submit' }, 'Reopen the case')]),
    );
  };
  showStatus(person.closedAt);
  onSubmit(caseForm, async () => {
    const closing = status === 'OPEN';
    const closedOn = caseForm.querySelector<HTMLInputElement>('#case-closed-on')?.value;
    const result = closing
      ? await execute(CloseCaseMutation, {
          input: {
            serviceUserId,
            expectedVersion: version,
            // Midday of the day given, in UK time: that day whatever the clocks (a later time today is taken as now).
            ...(closedOn ? { closedAt: localInputInstant(`${closedOn}T12:00`) } : {}),
          },
        })
      : await execute(ReopenCaseMutation, { input: { serviceUserId, expectedVersion: version } });
    const changed =
      result.data && ('closeCase' in result.data ? result.data.closeCase : result.data.reopenCase);
    if (!changed) {
      say(
        actionErrorNotice(result.errors, {
          FORBIDDEN: closing
            ? 'This closure would let the records expire at once: that is an erasure, proposed by the IG lead.'
            : 'Your role does not allow this.',
        }),
      );
      markRefusedInputs(caseForm, result.errors);
      return;
    }
    version = changed.version ?? version;
    status = changed.caseStatus ?? status;
    showStatus(changed.closedAt);
    say(
      notice(closing ? `The case of ${label} is closed.` : `The case of ${label} is open again.`, 'success'),
    );
  });

  // ── Safeguarding investigation ──────────────────────────────────────────────────────────────────────────
  const leads = members.filter((member) => member.roles.includes('SAFEGUARDING_LEAD'));
  const investigator = h(
    'select',
    { required: true, 'data-api-field': 'investigatorId' },
    memberOptions(leads, 'Choose a safeguarding lead'),
  );
  const openForm = h(
    'form',
    { class: 'decision', 'aria-label': 'Open a safeguarding investigation' },
    leads.length > 0
      ? [
          field(
            'investigator',
            'Investigating safeguarding lead',
            investigator,
            'Every read under the investigation needs a stated reason, and appears in the person’s own log once it closes.',
          ),
          h('button', { type: 'submit' }, 'Open the investigation'),
        ]
      : h(
          'p',
          { class: 'empty' },
          'No safeguarding lead works in this service: a senior manager opens the investigation.',
        ),
  );
  onSubmit(openForm, async () => {
    const result = await execute(OpenInvestigationMutation, {
      serviceUserIds: [serviceUserId],
      investigatorId: investigator.value,
    });
    const reference = result.data?.openSafeguardingInvestigation;
    if (!reference) {
      say(actionErrorNotice(result.errors));
      markRefusedInputs(openForm, result.errors);
      return;
    }
    referenceInput.value = reference;
    say(
      notice(
        `Investigation opened on ${label}. Its reference is ${reference}: keep it, it closes the investigation.`,
        'success',
      ),
    );
  });
  const referenceInput = h('input', {
    type: 'text',
    required: true,
    autocomplete: 'off',
    spellcheck: false,
    'data-api-field': 'investigationId',
  });
  const closeForm = h(
    'form',
    { class: 'decision', 'aria-label': 'Close a safeguarding investigation' },
    field(
      'investigation-reference',
      'Investigation reference',
      referenceInput,
      'As given when the investigation was opened. Closing it ends the investigator’s access at once.',
    ),
    h('button', { type: 'submit', class: 'secondary' }, 'Close the investigation'),
  );
  onSubmit(closeForm, async () => {
    const result = await execute(CloseInvestigationMutation, {
      serviceUserIds: [serviceUserId],
      investigationId: referenceInput.value.trim(),
    });
    if (!result.data?.closeSafeguardingInvestigation) {
      say(
        actionErrorNotice(result.errors, {
          CONFLICT: 'This investigation is already closed.',
          BAD_USER_INPUT: 'No investigation of this person has that reference.',
        }),
      );
      markRefusedInputs(closeForm, result.errors);
      return;
    }
    say(
      notice(`Investigation ${result.data.closeSafeguardingInvestigation} on ${label} is closed.`, 'success'),
    );
  });

  // ── Conflicts of interest ───────────────────────────────────────────────────────────────────────────────
  const connected = h('select', { required: true }, memberOptions(members, 'Choose a staff member'));
  const connection = h(
    'select',
    { required: true },
    h('option', { value: '' }, 'Choose the connection'),
    CONNECTIONS.map(([value, words]) => h('option', { value }, words)),
  );
  const declareForm = h(
    'form',
    { class: 'decision', 'aria-label': 'Declare a conflict of interest' },
    field('conflict-staff', 'Staff member connected to this person', connected),
    field('conflict-connection', 'How they are connected', connection),
    h('button', { type: 'submit' }, 'Declare the conflict'),
  );
  onSubmit(declareForm, async () => {
    const result = await execute(DeclareConflictMutation, {
      serviceUserId,
      staffId: connected.value,
      connection: connection.value as Connection,
    });
    if (!result.data?.declareConflict) {
      say(actionErrorNotice(result.errors));
      return;
    }
    const who = connected.selectedOptions[0]?.textContent ?? 'The staff member';
    say(notice(`Conflict declared: ${who} can no longer open ${label}’s records.`, 'success'));
  });
  const cleared = h('select', { required: true }, memberOptions(members, 'Choose a staff member'));
  const clearForm = h(
    'form',
    { class: 'decision', 'aria-label': 'Clear a conflict of interest' },
    field('clear-conflict-staff', 'Staff member whose conflict ends', cleared),
    h('button', { type: 'submit', class: 'secondary' }, 'Clear the conflict'),
  );
  onSubmit(clearForm, async () => {
    const result = await execute(ClearConflictMutation, { serviceUserId, staffId: cleared.value });
    if (!result.data?.clearConflict) {
      say(
        actionErrorNotice(result.errors, {
          FORBIDDEN: 'A conflict is cleared by a manager, never by the person it concerns.',
        }),
      );
      return;
    }
    const who = cleared.selectedOptions[0]?.textContent ?? 'The staff member';
    say(notice(`Conflict cleared: ${who} is no longer barred from ${label}’s records by it.`, 'success'));
  });

  section.append(
    h('h2', { id: 'case-title' }, 'Case'),
    statusLine,
    outcome,
    caseForm,
    h('h3', {}, 'Safeguarding investigation'),
    openForm,
    closeForm,
    h('h3', {}, 'Conflict of interest'),
    ...(members.length > 0
      ? [declareForm, clearForm]
      : [h('p', { class: 'empty' }, 'Nobody works in this service yet.')]),
  );
  return section;
}
