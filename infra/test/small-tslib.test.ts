import * as tslib from 'tslib';
import { describe, expect, it } from 'vitest';
import * as small from '../lib/small-tslib';

/** The bundle's tslib stand-in (decision 0043) gives what tslib gives, for the helpers it has. */
describe('small-tslib', () => {
  it('__importDefault wraps a CommonJS export and passes an ES module through, as tslib does', () => {
    const commonJs = { value: 1 };
    const esModule = { __esModule: true, default: 2 };
    for (const mod of [commonJs, esModule, undefined, null, 0]) {
      expect(small.__importDefault(mod)).toEqual(tslib.__importDefault(mod as never));
    }
    expect(small.__importDefault(esModule)).toBe(esModule);
  });

  it('__exportStar re-exports every name but default, live, and keeps names already there, as tslib does', () => {
    const source: Record<string, unknown> = { a: 1, b: 2, default: 3 };
    const ours: Record<string, unknown> = { b: 'kept' };
    const theirs: Record<string, unknown> = { b: 'kept' };

    small.__exportStar(source, ours);
    tslib.__exportStar(source, theirs);
    source.a = 10;

    expect({ ...ours }).toEqual({ ...theirs });
    expect(ours).toMatchObject({ a: 10, b: 'kept' });
    expect('default' in ours).toBe(false);
  });
});
