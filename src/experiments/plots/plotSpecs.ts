import type { Pipeline } from '../../pipeline/types.js';
import { parseTemplate, type PlotSpec } from './plotSpec.js';

/**
 * The plots a pipeline declares, as PlotSpecs: today the `plots:` outputs of its stages. The one place that maps
 * the Pipeline model to plots, so a new source of plots (a top-level `plots:` section) is added here only.
 * In the order cairn.yaml declares them.
 */
export function plotSpecs(pipeline: Pipeline): PlotSpec[] {
  const specs: PlotSpec[] = [];
  for (const stage of pipeline.stages.values()) {
    for (const out of stage.outs) {
      if (out.kind !== 'plot') continue;
      const opts = out.plot ?? {};
      const fields = opts.y === undefined ? [undefined] : Array.isArray(opts.y) ? opts.y : [opts.y];
      specs.push({
        id: out.path,
        template: parseTemplate(opts.template, `plots "${out.path}" of stage "${stage.name}" (${pipeline.file})`),
        ...(opts.x !== undefined ? { x: { field: opts.x } } : {}),
        y: fields.map((field) => (field === undefined ? { file: out.path } : { file: out.path, field })),
        ...(opts.title !== undefined ? { title: opts.title } : {}),
        ...(opts.x_label !== undefined ? { xLabel: opts.x_label } : {}),
        ...(opts.y_label !== undefined ? { yLabel: opts.y_label } : {}),
        source: `stage "${stage.name}"`,
        stage: stage.name,
      });
    }
  }
  return specs;
}
