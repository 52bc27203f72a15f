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

  it('refuses a stray quote, text after a closing quote and an unclosed quote, naming the line, the field and the fault, never the content', () => {
    for (const [text, line, fault, field] of [
      ['a,b\nZq9"y,z', 2, 'QUOTE_IN_FIELD', 1],
      ['a,b\nz,John "Jack" Smith', 2, 'QUOTE_IN_FIELD', 2],
      ['a,b\n"Zq9"y,z', 2, 'TEXT_AFTER_QUOTE', 1],
      ['a,b\n1,"Zq9" ', 2, 'TEXT_AFTER_QUOTE', 2],
      ['a,b\n1,2\n"Kp7,3', 3, 'UNCLOSED_QUOTE', 1],
    ] as const) {
      let error: unknown;
      try {
        parseCsv(text);
      } catch (caught) {
        error = caught;
      }
      expect(error, text).toBeInstanceOf(CsvError);
      expect((error as CsvError).line, text).toBe(line);
      expect((error as CsvError).fault, text).toBe(fault);
      expect((error as CsvError).field, text).toBe(field);
      expect((error as CsvError).message, text).not.toMatch(/Zq9|Kp7|John|Jack/);
    }
  });

  it('maps records to the header; a record longer than the header is malformed', () => {
    const table = parseCsvTable(' id , name\n1,Ada\n2\n');
    expect(table.header).toEqual(['id', 'name']);
    expect(table.rows.map((row) => Object.fromEntries(row.values))).toEqual([
      { id: '1', name: 'Ada' },
      { id: '2', name: '' },
    ]);
    expect(() => parseCsvTable('id\n1,2\n')).toThrow(
      'Malformed CSV at line 2, field 2: more fields than the header has columns',
    );
  });

  it('numbers table rows as a spreadsheet shows them: blank lines count, a cell’s line breaks do not', () => {
    const table = parseCsvTable('id,n\nA,1\n\nB,"two\nlines"\n\n\nC,3\n');

    expect(table.rows.map((row) => [row.values.get('id'), row.line])).toEqual([
      ['A', 2],
      ['B', 4],
      ['C', 7],
    ]);
  });
});
