import type { Pipeline } from '../../pipeline/types.js';
import { plotSpecFromDefinition } from './plotDefinition.js';
import type { PlotSpec } from './plotSpec.js';

/**
 * The plots a pipeline declares, as PlotSpecs, in the order cairn.yaml declares them: today the `plots:` outputs of
 * its stages. The one place that maps the Pipeline model to plots: a top-level `plots:` section is added here by
 * calling plotSpecFromDefinition(idOrName, definition, { source: 'top-level plots', where }) for each entry.
 */
export function plotSpecs(pipeline: Pipeline): PlotSpec[] {
  const specs: PlotSpec[] = [];
  for (const stage of pipeline.stages.values()) {
    for (const out of stage.outs) {
      if (out.kind !== 'plot') continue;
      specs.push(plotSpecFromDefinition(out.path, out.plot ?? {}, {
        source: `stage "${stage.name}"`,
        where: `plots "${out.path}" of stage "${stage.name}" (${pipeline.file})`,
        stage: stage.name,
      }));
    }
  }
  return specs;
}
