import type { Capabilities } from './capabilities';
import { enumWords } from './plain-words';

/** A governance notification as the API gives it: a kind and a reference, never personal data (decision 0035). */
export interface GovernanceNotice {
  readonly kind: string;
  readonly reference: string;
}

/** What Today shows of a notification: what happened, and the screen that handles it, where the reader has one. */
export interface NoticeView {
  readonly title: string;
  readonly detail: string;
  readonly route?: string;
  readonly action?: string;
}

/** How many days of notifications Today lists (the outbox keeps them 100 days, for a quarterly review). */
export const NOTICE_DAYS = 30;

/**
 * A notification in plain words, with a link to where it is handled when the reader's role opens that screen. The
 * reference is shown as it is: it is an id, and the reader follows it under their own need-to-know.
 */
export function noticeView(
  notice: GovernanceNotice,
  can: Pick<Capabilities, 'reviewBreakGlass' | 'breaches' | 'subjectAccess'>,
): NoticeView {
  const reference = `Reference ${notice.reference}`;
  switch (notice.kind) {
    case 'EMERGENCY_ACCESS_OPENED':
      return {
        title: 'Someone broke the glass',
        detail: `An emergency access review was raised · ${reference}`,
        ...(can.reviewBreakGlass
          ? { route: `/break-glass/${encodeURIComponent(notice.reference)}`, action: 'Review' }
          : {}),
      };
    case 'DISCLOSURE_ESCALATED':
      return {
        title: 'A disclosure request was escalated to the Caldicott Guardian',
        detail: `It waits in the Guardian's disclosure requests · ${reference}`,
      };
    case 'BREACH_OVERDUE':
      return {
        title: 'A breach is past its 72-hour clock',
        detail: `Not assessed as unreportable, and not yet reported · ${reference}`,
        ...(can.breaches
          ? { route: `/registers/breaches/${encodeURIComponent(notice.reference)}`, action: 'Open' }
          : {}),
      };
    case 'SUBJECT_ACCESS_DUE_SOON':
      return {
        title: 'A subject access request is near or past its deadline',
        detail: reference,
        ...(can.subjectAccess ? { route: '/registers/subject-access', action: 'Open' } : {}),
      };
    case 'ADMINISTRATION_RESTORED':
      return {
        title: 'The platform restored your organisation’s administration',
        detail: `Two platform operators gave the administrator role to the staff member your organisation named, and deactivated its other administrator accounts · ${reference}`,
      };
    default:
      return { title: `Notification: ${enumWords(notice.kind)}`, detail: reference };
  }
}
