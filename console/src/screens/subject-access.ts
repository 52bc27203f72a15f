import { execute } from '../api';
import { readConnection } from '../connection-pages';
import {
  ApproveSubjectAccessExportMutation,
  CompleteSubjectAccessRequestMutation,
  SubjectAccessExportQuery,
  SubjectAccessRegisterQuery,
} from '../documents';
import { h, link, notice, render } from '../dom';
import {
  type Capabilities,
  dateTimeWords,
  dateWords,
  deadlineWords,
  endOfLocalDate,
  enumWords,
} from '../logic';
import { actionErrorNotice } from './action-forms';
import { requestSubjectAccessForm } from './request-subject-access';
import { actorWords, focusOutcome, listOrError, personLabel, screenHeading, showRefusal } from './shared';

/** The pages of the register (50 requests each) one screen reads at most: 2,000 requests. */
const SUBJECT_ACCESS_REGISTER_PAGES = 40;

/**
 * Subject access requests and their exports: each request's one-month deadline, how the person's identity was
 * checked, and the export's two-person rule. The Caldicott Guardian (or an IG lead who did not record it) approves
 * the export; an IG lead other than the approver then downloads it and marks the request answered. What the caller's
 * role may not do is not offered. With `newFor` (a person, from their screen), the IG lead first records that person's
 * request on their behalf.
 */
export async function subjectAccessScreen(
  main: HTMLElement,
  capabilities: Capabilities,
  viewerStaffId: string | undefined,
  message?: HTMLElement,
  newFor?: string,
): Promise<void> {
  render(main, screenHeading('Subject access requests'), h('p', {}, 'Loading…'));
  // Every page: the store lists requests oldest first, so the newest (most likely open) are on the last.
  const { nodes, errors, more } = await readConnection(
    async (after) => {
      const { data, errors } = await execute(SubjectAccessRegisterQuery, { after });
      return { page: data?.subjectAccessRequestsConnection, errors };
    },
    { maxPages: SUBJECT_ACCESS_REGISTER_PAGES },
  );
  const now = new Date();
  const requests = nodes.sort(
    (a, b) =>
      Number(b.status === 'OPEN') - Number(a.status === 'OPEN') || a.deadline.localeCompare(b.deadline),
  );
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' }, message ?? null);
  const again = (words: string, kind: 'success' | 'info' = 'success') =>
    subjectAccessScreen(main, capabilities, viewerStaffId, notice(words, kind));

  const actions = (request: (typeof requests)[number]): HTMLElement[] => {
    if (request.status !== 'OPEN') return [];
    const buttons: HTMLElement[] = [];
    const label = `request received ${dateWords(request.receivedOn)}, ${personLabel(request.serviceUserId)}`;
    // The one who recorded a request is never its second person.
    const mayApprove = capabilities.approveSubjectAccessExports && request.recordedBy !== viewerStaffId;
    if (!request.exportApproved && mayApprove) {
      const approve = h(
        'button',
        { type: 'button', 'aria-label': `Approve the export: ${label}` },
        'Approve the export',
      );
      approve.addEventListener('click', async () => {
        approve.setAttribute('disabled', '');
        const result = await execute(ApproveSubjectAccessExportMutation, { requestId: request.id });
        if (!result.data) {
          approve.removeAttribute('disabled');
          showRefusal(outcome, actionErrorNotice(result.errors));
          return;
        }
        await again('Export approved. An IG lead other than you can now produce it.');
      });
      buttons.push(approve);
    }
    const mayCompile =
      request.exportApproved &&
      capabilities.compileSubjectAccessExports &&
      request.exportApprovedBy !== viewerStaffId;
    if (mayCompile) {
      const download = h(
        'button',
        { type: 'button', 'aria-label': `Download the export: ${label}` },
        'Download the export',
      );
      download.addEventListener('click', async () => {
        download.setAttribute('disabled', '');
        const result = await execute(SubjectAccessExportQuery, { serviceUserId: request.serviceUserId });
        download.removeAttribute('disabled');
        const exported = result.data?.subjectAccessExport;
        if (!exported) {
          showRefusal(outcome, actionErrorNotice(result.errors, {}, 'The export could not be produced.'));
          return;
        }
        const file = `subject-access-${request.id}.json`;
        const href = URL.createObjectURL(new Blob([exported.document], { type: 'application/json' }));
        const save = h('a', { href, download: file }, `Save ${file} again`);
        save.click();
        outcome.replaceChildren(
          notice(
            `Export produced ${dateTimeWords(exported.generatedAt)} and downloaded as ${file}. The Caldicott Guardian is told that you read it.`,
            'success',
          ),
          h('p', {}, save),
        );
      });
      const complete = h(
        'button',
        { type: 'button', class: 'secondary', 'aria-label': `Mark answered: ${label}` },
        'Mark answered',
      );
      complete.addEventListener('click', async () => {
        complete.setAttribute('disabled', '');
        const result = await execute(CompleteSubjectAccessRequestMutation, { requestId: request.id });
        if (!result.data) {
          complete.removeAttribute('disabled');
          showRefusal(outcome, actionErrorNotice(result.errors));
          return;
        }
        await again('Request marked answered.');
      });
      buttons.push(download, complete);
    }
    return buttons;
  };

  const exportWords = (request: (typeof requests)[number]) => {
    if (!request.exportApproved) return 'waiting for a second person to approve it';
    const by = request.exportApprovedBy === viewerStaffId ? 'you' : 'a second person';
    return `approved by ${by}${request.exportApprovedAt ? ` ${dateTimeWords(request.exportApprovedAt)}` : ''}`;
  };

  render(
    main,
    screenHeading('Subject access requests'),
    h(
      'p',
      {},
      'A person’s request for their data is answered within one calendar month. Staff read the export only after a second person approved it.',
    ),
    newFor && capabilities.recordSubjectAccess
      ? requestSubjectAccessForm(newFor, async (words) => {
          // The address leaves the form behind without a hashchange (which would draw the screen a second time).
          history.replaceState(null, '', '#/registers/subject-access');
          await again(words);
        })
      : null,
    outcome,
    ...listOrError(errors, requests.length, 'No subject access request has been made.', () =>
      h(
        'table',
        { class: 'subject-access' },
        h(
          'caption',
          {},
          more
            ? `The first ${requests.length} requests received (the register holds more, received later, not shown here), open ones first, soonest deadline first`
            : `${requests.length} ${requests.length === 1 ? 'request' : 'requests'}, open ones first, soonest deadline first`,
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Received', 'Answer by', 'Person', 'Identity', 'Export', 'Status', ''].map((label) =>
              h('th', { scope: 'col' }, label),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          requests.map((request) =>
            h(
              'tr',
              { class: request.overdue ? 'overdue' : '' },
              h('td', {}, dateWords(request.receivedOn)),
              h(
                'td',
                { class: 'deadline' },
                dateWords(request.deadline),
                request.status === 'OPEN' ? h('br') : null,
                request.status === 'OPEN'
                  ? h('span', { class: 'item-detail' }, deadlineWords(endOfLocalDate(request.deadline), now))
                  : null,
              ),
              h(
                'td',
                {},
                link(
                  `/person/${encodeURIComponent(request.serviceUserId)}`,
                  personLabel(request.serviceUserId),
                ),
              ),
              h(
                'td',
                {},
                request.openedByPerson
                  ? 'opened by the person (signed in)'
                  : enumWords(request.identityCheck ?? 'not recorded'),
                request.recordedByActor
                  ? h(
                      'span',
                      { class: 'item-detail' },
                      h('br'),
                      `recorded by ${request.recordedBy === viewerStaffId ? 'you' : actorWords(request.recordedByActor)}`,
                    )
                  : null,
              ),
              h('td', {}, exportWords(request)),
              h('td', {}, request.status === 'OPEN' ? 'open' : 'answered'),
              h('td', {}, h('div', { class: 'actions' }, actions(request))),
            ),
          ),
        ),
      ),
    ),
  );
  focusOutcome(message);
}
