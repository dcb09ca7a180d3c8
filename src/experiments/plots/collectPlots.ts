import { CairnError, isCairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { buildPlotData, type PlotData, type RevisionRows } from './buildPlotData.js';
import { parsePlotFile } from './parsePlotFile.js';
import { specFiles, type PlotSpec } from './plotSpec.js';
import type { PlotRow } from './plotRows.js';
import { readPlotText } from './readPlotText.js';

/** Reads every file the plots need at every revision asked for, and turns them into series. */

/** One side of the comparison: a Git revision, or the workspace (rev undefined). */
export interface PlotSide {
  rev?: string;
  label: string;
}

export interface CollectedPlot {
  spec: PlotSpec;
  /** null when no revision had usable data for it (see `notes` and `error`). */
  data: PlotData | null;
  /** The rows read, by side label then file: what `--json` prints. */
  rows: Record<string, Record<string, PlotRow[]>>;
  notes: string[];
  /** The first problem that left the plot without data: re-thrown when it was asked for by name. */
  error?: CairnError;
}

async function readSide(repo: Repo, side: PlotSide, files: string[]): Promise<{ rows: RevisionRows; problems: Map<string, CairnError> }> {
  const rows: RevisionRows = { label: side.label, files: {} };
  const problems = new Map<string, CairnError>();
  await Promise.all(files.map(async (file) => {
    try {
      const read = await readPlotText(repo, file, side.rev);
      if ('absent' in read) problems.set(file, new CairnError('NOT_FOUND', read.absent, { data: { file } }));
      else rows.files[file] = parsePlotFile(read.text, file, side.rev === undefined ? file : `${file} at ${side.rev}`);
    } catch (err) {
      problems.set(file, isCairnError(err) ? err : new CairnError('INTERNAL', `could not read ${file}: ${(err as Error).message}`));
    }
  }));
  return { rows, problems };
}

/** Each plot's data across the sides, with a note for every file a side could not give. Reads each file once a side. */
export async function collectPlots(repo: Repo, options: { specs: PlotSpec[]; sides: PlotSide[] }): Promise<CollectedPlot[]> {
  const files = [...new Set(options.specs.flatMap(specFiles))].sort();
  const sides = await Promise.all(options.sides.map((side) => readSide(repo, side, files)));
  return options.specs.map((spec) => {
    const problems: CairnError[] = [];
    const rows: CollectedPlot['rows'] = {};
    for (const { rows: side, problems: unread } of sides) {
      for (const file of specFiles(spec)) {
        const problem = unread.get(file);
        if (problem) problems.push(problem);
        else (rows[side.label] ??= {})[file] = side.files[file];
      }
    }
    const built = buildPlotData(spec, sides.map((s) => s.rows));
    problems.push(...built.problems);
    const data = built.data.series.length ? built.data : null;
    // A file that does not parse, or lacks a field, says more than one that is absent at some revision.
    const error = problems.find((p) => p.code !== 'NOT_FOUND') ?? problems[0];
    const notes = [...new Set(problems.map((p) => p.message))];
    return { spec, data, rows, notes, ...(error ? { error } : {}) };
  });
}
