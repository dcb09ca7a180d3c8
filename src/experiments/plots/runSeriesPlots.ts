import type { Run } from '../../tracking/entities.js';
import type { TrackingStore } from '../../tracking/trackingStore.js';
import type { PlotData, PlotSeries } from './buildPlotData.js';
import type { HtmlPlot } from './renderPlotsHtml.js';

/** Every point of one metric of a run, all pages. */
async function history(store: TrackingStore, runId: string, key: string): Promise<Array<{ step: number; value: number }>> {
  const points: Array<{ step: number; value: number }> = [];
  let page_token: string | undefined;
  do {
    const page = await store.getMetricHistory(runId, key, { max_results: 25_000, ...(page_token ? { page_token } : {}) });
    for (const m of page.metrics) if (Number.isFinite(m.value)) points.push({ step: m.step, value: m.value });
    page_token = page.next_page_token;
  } while (page_token);
  return points;
}

/**
 * One line chart per metric key of the runs (the union of their keys, sorted), each run a series over steps: the
 * metric series training code logged, next to the plot files of the pipeline. Long series are thinned by the
 * renderer, keeping their peaks.
 */
export async function runSeriesPlots(store: TrackingStore, runs: Run[], keys?: string[]): Promise<HtmlPlot[]> {
  const wanted = keys?.length ? keys : [...new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort();
  const plots: HtmlPlot[] = [];
  for (const key of wanted) {
    const series: PlotSeries[] = [];
    for (const run of runs) {
      if (!run.data.metrics.some((m) => m.key === key)) continue;
      const label = `${run.info.run_name} (${run.info.run_id.slice(0, 8)})`;
      const points = (await history(store, run.info.run_id, key)).map((p) => ({ x: p.step, y: p.value }));
      series.push({ label, rev: label, file: `run ${run.info.run_id}`, field: key, xField: 'step', points });
    }
    if (!series.length) continue;
    const data: PlotData = { id: `metric:${key}`, template: 'linear', title: key, xLabel: 'step', yLabel: key, series };
    plots.push({ id: data.id, title: key, data, images: [], source: `metric ${key} of ${series.length} run${series.length > 1 ? 's' : ''}`, files: [], notes: [] });
  }
  return plots;
}
