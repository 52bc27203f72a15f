import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Progress } from './progress';

/** A stand-in for stderr that keeps what was written; `isTTY` chooses the redrawn bar or plain lines. */
function stream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream,
  };
}

describe('Progress (the import on stderr)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-04T10:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('on a terminal redraws one line: a bar, counts and an estimate from the rate so far', () => {
    // Prepare
    const out = stream(true);
    const progress = new Progress(400, out.stream);

    // Act: 100 clients (1,100 records) in the first 30 s, then the rest.
    vi.advanceTimersByTime(30_000);
    progress.advance(100, 1_100);
    const quarter = out.writes.at(-1);
    vi.advanceTimersByTime(60_000);
    progress.advance(300, 3_300);
    progress.finish();

    // Assess: the estimate is the rate so far (100 in 30 s, so 300 more take 90 s); the line is redrawn in place.
    expect(quarter).toBe(
      `\r[######..................] import: 100/400 clients (25%), 1100 records, about 1m 30s left\x1b[K`,
    );
    expect(out.writes.at(-2)).toBe(
      `\r[########################] import: 400/400 clients (100%), 4400 records, done in 1m 30s\x1b[K`,
    );
    expect(out.writes.at(-1)).toBe('\n');
  });

  it('into a pipe writes a plain line at most every interval, and always the last', () => {
    // Prepare
    const out = stream(false);
    const progress = new Progress(10, out.stream, 2_000);

    // Act: three advances inside one interval, one after it, then the end.
    vi.advanceTimersByTime(2_000);
    progress.advance(1, 3);
    vi.advanceTimersByTime(500);
    progress.advance(1, 3);
    progress.advance(1, 3);
    vi.advanceTimersByTime(2_000);
    progress.advance(1, 3);
    progress.finish();

    // Assess
    expect(out.writes).toEqual([
      'import: 1/10 clients (10%), 3 records, about 18s left\n',
      'import: 4/10 clients (40%), 12 records, about 7s left\n',
      'import: 4/10 clients (40%), 12 records, about 7s left\n',
    ]);
  });

  it('says it is estimating before the first client, and an empty import is done at once', () => {
    // Prepare
    const before = stream(false);
    const empty = stream(false);

    // Act
    new Progress(5, before.stream, 0).advance(0, 0);
    new Progress(0, empty.stream).finish();

    // Assess
    expect(before.writes).toEqual(['import: 0/5 clients (0%), 0 records, estimating…\n']);
    expect(empty.writes).toEqual(['import: 0/0 clients (100%), 0 records, done in 0s\n']);
  });
});
