import type { Repo } from '../../core/repo.js';
import type { PlotSide } from './collectPlots.js';
import type { PlotSpec, YRef } from './plotSpec.js';
import { plotFilesIn } from './plotFilesIn.js';

/**
 * Plots declared on a folder (`plots: [dvclive/plots/metrics: {x: step}]`) become one plot a file inside it, with
 * the folder's options, as DVC draws them; a folder among several y files of one plot adds each file as a series.
 */
export async function expandPlotDirs(repo: Repo, specs: PlotSpec[], sides: PlotSide[]): Promise<PlotSpec[]> {
  const listings = new Map<string, Promise<string[] | null>>();
  const filesIn = (dir: string): Promise<string[] | null> => {
    if (!listings.has(dir)) {
      listings.set(dir, Promise.all(sides.map((s) => plotFilesIn(repo, dir, s.rev))).then((lists) => {
        const found = lists.filter((l): l is string[] => l !== null);
        return found.length ? [...new Set(found.flat())].sort() : null;
      }));
    }
    return listings.get(dir)!;
  };
  const out: PlotSpec[] = [];
  for (const spec of specs) {
    const dirs = new Map<string, string[]>();
    for (const ref of spec.y) {
      const files = await filesIn(ref.file);
      if (files) dirs.set(ref.file, files);
    }
    if (dirs.size === 0) {
      out.push(spec);
      continue;
    }
    const files = [...new Set(spec.y.map((r) => r.file))];
    if (files.length === 1) {
      // One folder: each file is its own plot, named by its path.
      for (const file of dirs.get(files[0])!) out.push({ ...spec, id: file, y: spec.y.map((r) => ({ ...r, file })) });
      continue;
    }
    const y: YRef[] = spec.y.flatMap((r) => (dirs.has(r.file) ? dirs.get(r.file)!.map((file) => ({ ...r, file })) : [r]));
    out.push({ ...spec, y });
  }
  return out;
}
