import { describe, expect, it } from 'vitest';
import { emergencyAccessEndWords } from './emergency-access';
import { dateTimeWords } from './time-words';

describe('when an emergency access ends, in words', () => {
  const until = '2026-03-02T10:30:00.000Z';
  const before = new Date('2026-03-02T10:00:00.000Z');
  const after = new Date('2026-03-02T11:00:00.000Z');

  it('says an access still open ends, not that it ended', () => {
    expect(emergencyAccessEndWords({ status: 'PENDING', until }, before)).toEqual([
      'Access ends',
      `${dateTimeWords(until)} (still open)`,
    ]);
  });

  it('says an access past its time ended then', () => {
    expect(emergencyAccessEndWords({ status: 'PENDING', until }, after)).toEqual([
      'Access ended',
      dateTimeWords(until),
    ]);
  });

  it('says a completed review ended the access, when it was completed before the access’s time was up', () => {
    expect(emergencyAccessEndWords({ status: 'COMPLETED', until }, before)).toEqual([
      'Access ended',
      `when this review was completed (it was to last until ${dateTimeWords(until)})`,
    ]);
    expect(emergencyAccessEndWords({ status: 'COMPLETED', until }, after)).toEqual([
      'Access ended',
      `${dateTimeWords(until)}, or sooner if this review was completed before`,
    ]);
  });

  it('says when a completed review ended the access, or that the access ended first', () => {
    const completedAt = '2026-03-02T10:12:00.000Z';
    expect(emergencyAccessEndWords({ status: 'COMPLETED', until, reviewedAt: completedAt }, after)).toEqual([
      'Access ended',
      `when this review was completed, ${dateTimeWords(completedAt)} (it was to last until ${dateTimeWords(until)})`,
    ]);
    const completedLater = '2026-03-02T12:00:00.000Z';
    expect(
      emergencyAccessEndWords({ status: 'COMPLETED', until, reviewedAt: completedLater }, after),
    ).toEqual([
      'Access ended',
      `${dateTimeWords(until)} (this review was completed later, ${dateTimeWords(completedLater)})`,
    ]);
  });
});
