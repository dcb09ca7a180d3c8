import { CairnError, isCairnError } from '../../core/errors.js';
import type { Repo } from '../../core/repo.js';
import { buildPlotData, type PlotData, type RevisionRows } from './buildPlotData.js';
import { parsePlotFile } from './parsePlotFile.js';
import { isImageFile, type PlotImage } from './plotImage.js';
import { specFiles, type PlotSpec } from './plotSpec.js';
import type { PlotRow } from './plotRows.js';
import { readPlotBytes } from './readPlotBytes.js';

/** Reads every file the plots need at every revision asked for, and turns them into series (or images). */

/** One side of the comparison: a Git revision, or the workspace (rev undefined). */
export interface PlotSide {
  rev?: string;
  label: string;
}

export interface CollectedPlot {
  spec: PlotSpec;
  /** null when no revision had usable data for it (see `notes` and `error`), and for an image plot. */
  data: PlotData | null;
  /** An image plot's image at each side that has it. */
  images: PlotImage[];
  /** The rows read, by side label then file: what `--json` prints. */
  rows: Record<string, Record<string, PlotRow[]>>;
  notes: string[];
  /** The first problem that left the plot without data: re-thrown when it was asked for by name. */
  error?: CairnError;
}

interface SideData {
  rows: RevisionRows;
  images: Map<string, Buffer>;
  problems: Map<string, CairnError>;
}

async function readSide(repo: Repo, side: PlotSide, files: string[]): Promise<SideData> {
  const rows: RevisionRows = { label: side.label, files: {} };
  const images = new Map<string, Buffer>();
  const problems = new Map<string, CairnError>();
  await Promise.all(files.map(async (file) => {
    try {
      const read = await readPlotBytes(repo, file, side.rev);
      if ('absent' in read) problems.set(file, new CairnError('NOT_FOUND', read.absent, { data: { file } }));
      else if (isImageFile(file)) images.set(file, read.bytes);
      else rows.files[file] = parsePlotFile(read.bytes.toString('utf8'), file, side.rev === undefined ? file : `${file} at ${side.rev}`);
    } catch (err) {
      problems.set(file, isCairnError(err) ? err : new CairnError('INTERNAL', `could not read ${file}: ${(err as Error).message}`));
    }
  }));
  return { rows, images, problems };
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
        else if (side.files[file]) (rows[side.label] ??= {})[file] = side.files[file];
      }
    }
    const images = sides.flatMap((s) => specFiles(spec).flatMap((file) => (s.images.has(file) ? [{ label: s.rows.label, file, bytes: s.images.get(file)! }] : [])));
    let data: PlotData | null = null;
    if (!specFiles(spec).every(isImageFile)) {
      const built = buildPlotData(spec, sides.map((s) => s.rows));
      problems.push(...built.problems);
      if (built.data.series.length) data = built.data;
    }
    // A file that does not parse, or lacks a field, says more than one that is absent at some revision.
    const error = problems.find((p) => p.code !== 'NOT_FOUND') ?? problems[0];
    const notes = [...new Set(problems.map((p) => p.message))];
    return { spec, data, images, rows, notes, ...(error ? { error } : {}) };
  });
}
