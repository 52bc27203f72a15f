import { describe, expect, it } from 'vitest';
import { type CountedFacts, countedFactsWrite } from './attributes';

const FACTS: CountedFacts = { attributes: ['links'], mac: 'linksMac', count: 'linksVersion' };

describe('countedFactsWrite', () => {
  it('signs the facts for the next count, on condition that the MAC read is still there', () => {
    const counts: number[] = [];
    const write = countedFactsWrite(
      FACTS,
      { linksMac: { S: 'mac-read' }, linksVersion: { N: '4' } },
      (count) => {
        counts.push(count);
        return `mac-${count}`;
      },
    );

    expect(counts).toEqual([5]);
    expect(write).toEqual({
      set: ['#linksMac = :linksMac', '#linksVersion = :linksVersion'],
      condition: '#linksMac = :linksMacRead',
      names: { '#linksMac': 'linksMac', '#linksVersion': 'linksVersion' },
      values: {
        ':linksMac': { S: 'mac-5' },
        ':linksVersion': { N: '5' },
        ':linksMacRead': { S: 'mac-read' },
      },
      written: { linksMac: { S: 'mac-5' }, linksVersion: { N: '5' } },
    });
  });

  it('counts from one, on condition that there is still no MAC, for facts never signed as a whole', () => {
    const write = countedFactsWrite(FACTS, {}, (count) => `mac-${count}`);

    expect(write.condition).toBe('attribute_not_exists(#linksMac)');
    expect(write.values).toEqual({ ':linksMac': { S: 'mac-1' }, ':linksVersion': { N: '1' } });
  });
});
