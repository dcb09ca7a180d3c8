import { CairnError } from '../../core/errors.js';
import type { PlotRow } from './plotRows.js';
import { typedValue } from './plotRows.js';

/** CSV and TSV plot files: a header line, then one record a line; RFC 4180 quoting ("a, b", "say ""hi"""). Pure. */

interface RawRecord {
  fields: string[];
  /** 1-based line where the record starts, for errors. */
  line: number;
}

function malformed(file: string, line: number, problem: string, hint: string): CairnError {
  return new CairnError('INVALID', `${file}, line ${line}: ${problem}`, { hint, data: { file, line } });
}

function splitRecords(text: string, separator: string, file: string): RawRecord[] {
  const records: RawRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let quoteLine = 0;
  const endRecord = () => {
    fields.push(field);
    // A blank line (one empty field) is not a record: trailing newlines and spacing lines are common.
    if (!(fields.length === 1 && fields[0].trim() === '')) records.push({ fields, line: start });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; field += c; }
      continue;
    }
    if (c === '"' && field.trim() === '') { quoted = true; field = ''; quoteLine = line; }
    else if (c === separator) { fields.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (quoted) throw malformed(file, quoteLine, 'a quoted field is never closed', 'close the field with a double quote (write "" for a quote inside it)');
  if (field !== '' || fields.length) endRecord();
  return records;
}

/** Rows of a CSV (`,`) or TSV (tab) file; numbers become numbers, empty cells null. */
export function parseDelimited(text: string, options: { file: string; separator: ',' | '\t' }): PlotRow[] {
  const { file, separator } = options;
  const records = splitRecords(text.replace(/^\uFEFF/, ''), separator, file);
  if (records.length === 0) {
    throw new CairnError('INVALID', `${file} is empty: a plot file needs a header line and rows`, { hint: 'write the column names on the first line, e.g. `epoch,loss`', data: { file } });
  }
  const [header, ...body] = records;
  const names = header.fields.map((f) => f.trim());
  const empty = names.findIndex((n) => n === '');
  if (empty >= 0) throw malformed(file, header.line, `column ${empty + 1} of the header has no name`, 'give every column a name on the first line');
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw malformed(file, header.line, `the header names column "${dup}" twice`, 'give every column its own name');
  return body.map((record) => {
    if (record.fields.length !== names.length) {
      const kind = separator === ',' ? 'comma' : 'tab';
      throw malformed(file, record.line, `${record.fields.length} fields where the header has ${names.length}`, `every line needs one ${kind}-separated value per column (${names.join(', ')}); quote values that contain a ${kind}`);
    }
    const row: PlotRow = {};
    names.forEach((n, i) => (row[n] = typedValue(record.fields[i])));
    return row;
  });
}
