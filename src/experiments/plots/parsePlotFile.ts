import path from 'node:path';
import { CairnError } from '../../core/errors.js';
import { flattenKeys, parseStructured } from '../../pipeline/params.js';
import { parseDelimited } from './parseDelimited.js';
import { IMAGE_TYPES } from './plotImage.js';
import type { PlotRow, PlotValue } from './plotRows.js';

/** Plot files as DVC reads them: CSV, TSV, and JSON or YAML holding a list of records. Pure. */

export const PLOT_FILE_FORMATS = ['.csv', '.tsv', '.json', '.yaml', '.yml'] as const;

/** Whether a file is a data-series plot file by its extension. */
export const isDataFile = (file: string): boolean => (PLOT_FILE_FORMATS as readonly string[]).includes(path.extname(file).toLowerCase());

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is PlotValue => v === null || ['number', 'string', 'boolean'].includes(typeof v);

/**
 * The list of records in parsed JSON/YAML: the document itself, or the first list of records inside a mapping
 * (DVCLive and DVC write `{"roc": [{"fpr": 0, "tpr": 0}, ...]}`), searched depth-first in key order.
 */
function findRecords(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value.length === 0 || value.some(isRecord) ? value : null;
  if (!isRecord(value)) return null;
  for (const v of Object.values(value)) {
    const hit = findRecords(v);
    if (hit) return hit;
  }
  return null;
}

function recordsToRows(list: unknown[], file: string): PlotRow[] {
  return list.map((entry, i) => {
    if (!isRecord(entry)) {
      throw new CairnError('INVALID', `${file}: entry ${i + 1} of the list is ${JSON.stringify(entry)}, not a record`, {
        hint: 'write every entry as a mapping of field names to values, e.g. {"step": 1, "loss": 0.5}',
        data: { file, entry: i + 1 },
      });
    }
    // Nested values are flattened to dotted fields (`{"val": {"loss": 1}}` → `val.loss`); lists are left out.
    const flat = flattenKeys(entry);
    const row: PlotRow = {};
    for (const [k, v] of Object.entries(flat)) if (isScalar(v)) row[k] = v;
    return row;
  });
}

function parseData(text: string, file: string, shownAs: string): unknown {
  try {
    return parseStructured(text, file);
  } catch (err) {
    if (!(err instanceof CairnError) || shownAs === file) throw err;
    throw new CairnError(err.code, err.message.replace(file, shownAs), { hint: err.hint, data: err.data });
  }
}

/**
 * Rows of a plot file's text. `file` (repo-relative) picks the format by its extension; `shownAs` names it in errors
 * (`logs.csv at HEAD~1`).
 */
export function parsePlotFile(text: string, file: string, shownAs = file): PlotRow[] {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return parseDelimited(text, { file: shownAs, separator: ext === '.csv' ? ',' : '\t' });
  if (ext !== '.json' && ext !== '.yaml' && ext !== '.yml') {
    throw new CairnError('INVALID', `${shownAs} is not a plot file cairn can read (${ext || 'no extension'})`, {
      hint: `plot files are ${PLOT_FILE_FORMATS.join(', ')} (data) or ${Object.keys(IMAGE_TYPES).join(', ')} (images)`,
      data: { file },
    });
  }
  const records = findRecords(parseData(text, file, shownAs));
  if (records === null) {
    throw new CairnError('INVALID', `${shownAs} holds no list of records to plot`, {
      hint: 'write a list of records, e.g. [{"step": 0, "loss": 0.9}, ...], or {"name": [records]} as DVCLive does',
      data: { file },
    });
  }
  return recordsToRows(records, shownAs);
}
