import { describe, expect, it } from 'vitest';
import { noticeView } from './notifications';

const all = { reviewBreakGlass: true, breaches: true, subjectAccess: true };
const none = { reviewBreakGlass: false, breaches: false, subjectAccess: false };

describe('a governance notification on Today', () => {
  it.each([
    ['EMERGENCY_ACCESS_OPENED', 'rev_1', '/break-glass/rev_1'],
    ['BREACH_OVERDUE', 'brc_1', '/registers/breaches/brc_1'],
    ['SUBJECT_ACCESS_DUE_SOON', 'sar_1', '/registers/subject-access'],
  ])('%s links to the screen that handles it', (kind, reference, route) => {
    const view = noticeView({ kind, reference }, all);

    expect(view.route).toBe(route);
    expect(view.detail).toContain(`Reference ${reference}`);
  });

  it.each(['EMERGENCY_ACCESS_OPENED', 'BREACH_OVERDUE', 'SUBJECT_ACCESS_DUE_SOON'])(
    '%s has no link for a reader whose role does not open its screen',
    (kind) => {
      expect(noticeView({ kind, reference: 'x' }, none).route).toBeUndefined();
    },
  );

  it('says what a restoration did, and names a kind it does not know in plain words', () => {
    const restored = noticeView({ kind: 'ADMINISTRATION_RESTORED', reference: 'r-1' }, all);
    const unknown = noticeView({ kind: 'SOMETHING_NEW', reference: 'r-2' }, all);

    expect(restored.title).toContain('restored your organisation’s administration');
    expect(restored.route).toBeUndefined();
    expect(unknown).toEqual({ title: 'Notification: something new', detail: 'Reference r-2' });
  });
});
