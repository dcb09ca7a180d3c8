import type { PlotData } from './buildPlotData.js';
import { renderBarChart } from './renderBarChart.js';
import { renderConfusion } from './renderConfusion.js';
import { renderXYChart } from './renderXYChart.js';

/** One plot drawn as a standalone SVG document; the same data always gives the same bytes. */
export interface RenderedPlot {
  svg: string;
  width: number;
  height: number;
}

/** Draws PlotData with the renderer of its template. Pure. */
export function renderPlot(data: PlotData): RenderedPlot {
  switch (data.template) {
    case 'confusion':
    case 'confusion_normalized':
      return renderConfusion(data, { normalized: data.template === 'confusion_normalized' });
    case 'bar_horizontal':
    case 'bar_horizontal_sorted':
      return renderBarChart(data, { sorted: data.template === 'bar_horizontal_sorted' });
    default:
      return renderXYChart(data);
  }
}
