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

export interface RenderOptions {
  /** Draw the title inside the image (default true); the HTML page shows it as a heading instead. */
  titled?: boolean;
}

/** Draws PlotData with the renderer of its template. Pure. */
export function renderPlot(data: PlotData, options: RenderOptions = {}): RenderedPlot {
  switch (data.template) {
    case 'confusion':
    case 'confusion_normalized':
      return renderConfusion(data, { ...options, normalized: data.template === 'confusion_normalized' });
    case 'bar_horizontal':
    case 'bar_horizontal_sorted':
      return renderBarChart(data, { ...options, sorted: data.template === 'bar_horizontal_sorted' });
    default:
      return renderXYChart(data, options);
  }
}
