import type { Pipeline, TopLevelPlot } from '../../pipeline/types.js';
import { plotSpecFromDefinition } from './plotDefinition.js';
import { parseTemplate, type PlotSpec } from './plotSpec.js';

/** A top-level `plots:` entry, whose files the pipeline loader already made repo-relative, as a PlotSpec. */
function topLevelSpec(plot: TopLevelPlot): PlotSpec {
  const where = `top-level plots "${plot.id}" (${plot.source})`;
  const spec: PlotSpec = {
    // An entry that names its own file is addressed by that file; one with a y mapping by its name.
    id: plot.y.length === 1 && plot.y[0].file.endsWith(plot.id) ? plot.y[0].file : plot.id,
    template: parseTemplate(plot.template, where),
    y: plot.y.flatMap((s) => (s.fields.length ? s.fields.map((field) => ({ file: s.file, field })) : [{ file: s.file }])),
    source: 'top-level plots',
  };
  if (plot.x) spec.x = plot.x.file ? { field: plot.x.field, file: plot.x.file } : { field: plot.x.field };
  if (plot.title !== undefined) spec.title = plot.title;
  if (plot.x_label !== undefined) spec.xLabel = plot.x_label;
  if (plot.y_label !== undefined) spec.yLabel = plot.y_label;
  return spec;
}

/**
 * The plots a pipeline declares, as PlotSpecs, in the order cairn.yaml declares them: the `plots:` outputs of its
 * stages, then the top-level `plots:` entries of every pipeline file. The one place that maps the Pipeline model to
 * plots. A top-level entry about a file a stage already plots replaces the stage's (DVC merges them the same way).
 */
export function plotSpecs(pipeline: Pipeline): PlotSpec[] {
  const specs = new Map<string, PlotSpec>();
  for (const stage of pipeline.stages.values()) {
    for (const out of stage.outs) {
      if (out.kind !== 'plot') continue;
      specs.set(out.path, plotSpecFromDefinition(out.path, out.plot ?? {}, {
        source: `stage "${stage.name}"`,
        where: `plots "${out.path}" of stage "${stage.name}" (${stage.source.file})`,
        stage: stage.name,
      }));
    }
  }
  for (const plot of pipeline.plots) {
    const spec = topLevelSpec(plot);
    specs.set(spec.id, spec);
  }
  return [...specs.values()];
}
