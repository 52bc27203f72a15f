/**
 * A small RFC 4180 reader (decision 0032: no dependency): fields separated by commas, records by CRLF or LF,
 * a field in double quotes may hold commas, line breaks and doubled quotes (`""`). A UTF-8 byte-order mark is
 * dropped. A quote inside an unquoted field, or text after a closing quote, is malformed: reported by line,
 * never by content.
 */

export interface CsvRecord {
  /** The line the record starts on, 1-based (the header is line 1): what a text editor shows. */
  readonly line: number;
  /**
   * The record's row as a spreadsheet shows the file, 1-based: blank lines count (the spreadsheet shows an empty row),
   * a cell's own line breaks do not.
   */
  readonly row: number;
  readonly fields: readonly string[];
}

/** What is wrong at a line, in words that say how to mend it in a spreadsheet or editor (never the content). */
const CSV_FAULTS = {
  QUOTE_IN_FIELD:
    'a double quote inside a field that does not start with one: put the whole field in double quotes and double the quote ("")',
  TEXT_AFTER_QUOTE: 'text after the closing double quote of a quoted field',
  UNCLOSED_QUOTE: 'a double quote opened and never closed',
  TOO_MANY_FIELDS:
    'more fields than the header has columns (a comma in a field that is not in double quotes?)',
} as const;

export type CsvFault = keyof typeof CSV_FAULTS;

export class CsvError extends Error {
  /** What is wrong, where: for the person mending the file. */
  readonly reason: string;

  constructor(
    readonly line: number,
    readonly fault: CsvFault,
    /** The field, counted from 1 along the line, where it went wrong. */
    readonly field: number,
  ) {
    const reason = `field ${field}: ${CSV_FAULTS[fault]}`;
    super(`Malformed CSV at line ${line}, ${reason}.`);
    this.name = 'CsvError';
    this.reason = reason;
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let afterQuote = false;
  let fieldStarted = false;
  let recordQuoted = false;
  let row = 1;
  const endField = () => {
    fields.push(field);
    field = '';
    afterQuote = false;
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    // A blank line is no record (a trailing newline, a gap a spreadsheet left).
    if (recordQuoted || !(fields.length === 1 && fields[0] === ''))
      records.push({ line: recordLine, row, fields });
    row++;
    fields = [];
    recordQuoted = false;
  };
  for (let index = 0; index < source.length; index++) {
    const char = source[index] as string;
    if (quoted) {
      if (char === '"') {
        if (source[index + 1] === '"') {
          field += '"';
          index++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === ',') {
      endField();
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && source[index + 1] === '\n') index++;
      endRecord();
      line++;
      recordLine = line;
    } else if (char === '"') {
      if (fieldStarted || afterQuote)
        throw new CsvError(line, afterQuote ? 'TEXT_AFTER_QUOTE' : 'QUOTE_IN_FIELD', fields.length + 1);
      quoted = true;
      fieldStarted = true;
      recordQuoted = true;
    } else {
      if (afterQuote) throw new CsvError(line, 'TEXT_AFTER_QUOTE', fields.length + 1);
      field += char;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvError(recordLine, 'UNCLOSED_QUOTE', fields.length + 1);
  if (field !== '' || fields.length > 0 || afterQuote) endRecord();
  return records;
}

/** A table: its header and its records as objects by header name (a short record leaves the rest empty). */
export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly { readonly line: number; readonly values: ReadonlyMap<string, string> }[];
}

export function parseCsvTable(text: string): CsvTable {
  const [head, ...rest] = parseCsv(text);
  if (!head) return { header: [], rows: [] };
  const header = head.fields.map((name) => name.trim());
  return {
    header,
    // `line` of a table row is its spreadsheet row (header = 1): blank lines count, a cell's own line breaks do not.
    rows: rest.map((record) => {
      if (record.fields.length > header.length)
        throw new CsvError(record.line, 'TOO_MANY_FIELDS', header.length + 1);
      return {
        line: record.row,
        values: new Map(header.map((name, index) => [name, record.fields[index] ?? ''])),
      };
    }),
  };
}
