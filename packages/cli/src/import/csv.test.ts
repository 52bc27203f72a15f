import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, parseCsvTable } from './csv';

const fields = (text: string) => parseCsv(text).map((record) => record.fields);

describe('parseCsv (RFC 4180)', () => {
  it('reads plain fields, CRLF and LF line ends, and a last record without a line end', () => {
    expect(fields('a,b,c\r\n1,2,3\n4,5,6')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  it('reads quoted fields holding commas, doubled quotes and line breaks, and counts lines through them', () => {
    const records = parseCsv('id,note\n1,"said ""no"", then left\r\nnext line"\n2,plain\n');
    expect(records.map((record) => record.fields)).toEqual([
      ['id', 'note'],
      ['1', 'said "no", then left\r\nnext line'],
      ['2', 'plain'],
    ]);
    expect(records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('keeps empty fields, drops blank lines and a byte-order mark', () => {
    expect(fields('\uFEFFa,,c\n\n,,\n')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
    expect(fields('a\n""\n')).toEqual([['a'], ['']]);
  });

  it('refuses a stray quote, text after a closing quote and an unclosed quote, naming the line only', () => {
    for (const [text, line] of [
      ['a,b\nx"y,z', 2],
      ['a,b\n"x"y,z', 2],
      ['a,b\n1,2\n"open,3', 3],
    ] as const) {
      let error: unknown;
      try {
        parseCsv(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(CsvError);
      expect((error as CsvError).line).toBe(line);
      expect((error as CsvError).message).not.toMatch(/x|open/);
    }
  });

  it('maps records to the header; a record longer than the header is malformed', () => {
    const table = parseCsvTable(' id , name\n1,Ada\n2\n');
    expect(table.header).toEqual(['id', 'name']);
    expect(table.rows.map((row) => Object.fromEntries(row.values))).toEqual([
      { id: '1', name: 'Ada' },
      { id: '2', name: '' },
    ]);
    expect(() => parseCsvTable('id\n1,2\n')).toThrow(CsvError);
  });
});
