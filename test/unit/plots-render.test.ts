import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlotData, PlotSeries } from '../../src/experiments/plots/buildPlotData.js';
import { decimateLine } from '../../src/experiments/plots/decimateLine.js';
import { extent, formatTick, niceTicks } from '../../src/experiments/plots/niceTicks.js';
import { compareClasses } from '../../src/experiments/plots/renderConfusion.js';
import { renderPlot } from '../../src/experiments/plots/renderPlot.js';
import { renderPlotsHtml } from '../../src/experiments/plots/renderPlotsHtml.js';
import { movingAverage } from '../../src/experiments/plots/renderXYChart.js';
import type { PlotTemplate } from '../../src/experiments/plots/plotSpec.js';

const count = (svg: string, pattern: RegExp) => (svg.match(new RegExp(pattern.source, 'g')) ?? []).length;

function series(label: string, points: [number | string, number | string][]): PlotSeries {
  return { label, rev: 'workspace', file: 'f.csv', field: 'y', xField: 'x', points: points.map(([x, y]) => ({ x, y })) };
}

function data(template: PlotTemplate, list: PlotSeries[], extra: Partial<PlotData> = {}): PlotData {
  return { id: 'f.csv', template, title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: list, ...extra };
}

const loss = series('loss', [[1, 0.9], [2, 0.6], [3, 0.4], [4, 0.35]]);
const acc = series('acc', [[1, 0.5], [2, 0.7], [3, 0.8], [4, 0.85]]);

describe('nice ticks', () => {
  it('steps are 1, 2 or 5 times a power of ten and cover the data', () => {
    assert.deepEqual(niceTicks(0.35, 0.9).values, [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    assert.deepEqual(niceTicks(0, 97).values, [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(niceTicks(-3, 12).values, [-5, 0, 5, 10, 15]);
    const t = niceTicks(0.1, 0.3);
    assert.ok(t.values.every((v) => String(v).length <= 4), `no float noise: ${t.values.join(' ')}`);
  });

  it('integer data never gets a step below 1', () => {
    assert.deepEqual(niceTicks(1, 4).values, [1, 1.5, 2, 2.5, 3, 3.5, 4]);
    assert.deepEqual(niceTicks(1, 4, { integer: true }).values, [1, 2, 3, 4]);
  });

  it('a single value gets a small range around it; labels use the step\'s decimals', () => {
    const t = niceTicks(5, 5);
    assert.ok(t.min < 5 && t.max > 5);
    assert.equal(formatTick(0.5, 0.25), '0.50');
    assert.equal(formatTick(-2, 1), '−2');
    assert.equal(formatTick(2_000_000, 1_000_000), '2e+6');
  });
});

describe('SVG renderers', () => {
  it('a line chart draws one path and one point a value per series, with axes, labels, title and legend', () => {
    const { svg, width, height } = renderPlot(data('linear', [loss, acc]));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="640" height="\d+"/);
    assert.ok(width > 0 && height > 0);
    assert.equal(count(svg, /class="line"/), 2);
    assert.equal(count(svg, /class="point"/), 8);
    assert.equal(count(svg, /class="legend-item"/), 2);
    assert.match(svg, /class="title"[^>]*>Loss</);
    assert.equal(count(renderPlot(data('linear', [loss]), { titled: false }).svg, /class="title"/), 0);
    assert.match(svg, /class="x-label"[^>]*>epoch</);
    assert.match(svg, /class="y-label"[^>]*>loss</);
    assert.match(svg, /<title>loss — epoch 2: 0\.6<\/title>/, 'hovering a point shows its value');
    assert.deepEqual([...svg.matchAll(/class="x-tick"[^>]*>([^<]+)</g)].map((m) => m[1]), ['1', '2', '3', '4'], 'whole epochs get whole ticks');
  });

  it('in a diff of several fields, a revision keeps one color and a field one dash', () => {
    const at = (rev: string, s: PlotSeries) => ({ ...s, rev, label: `${rev} · ${s.label}`, field: s.label });
    const svg = renderPlot(data('linear', [at('HEAD', loss), at('HEAD', acc), at('workspace', loss), at('workspace', acc)])).svg;
    const lines = [...svg.matchAll(/class="line"[^>]*stroke="([^"]+)"[^>]*?(?:stroke-dasharray="([^"]+)")?\/>/g)].map((m) => [m[1], m[2] ?? '']);
    assert.equal(lines.length, 4);
    assert.equal(lines[0][0], lines[1][0], 'HEAD lines share a color');
    assert.notEqual(lines[0][0], lines[2][0], 'revisions differ in color');
    assert.equal(lines[0][1], lines[2][1], 'loss has the same dash at both revisions');
    assert.notEqual(lines[0][1], lines[1][1], 'loss and acc differ in dash');
    assert.equal(count(svg, /class="legend-item"><line /), 4, 'line charts have line swatches');
    assert.equal(count(svg, /class="legend-item"><line [^>]*stroke-dasharray/), 2, 'dashed series show their dash in the legend');
  });

  it('one series has no legend; simple has lines only, scatter points only', () => {
    assert.equal(count(renderPlot(data('linear', [loss])).svg, /class="legend-item"/), 0);
    const simple = renderPlot(data('simple', [loss, acc])).svg;
    assert.equal(count(simple, /class="line"/), 2);
    assert.equal(count(simple, /class="point"/), 0);
    const scatter = renderPlot(data('scatter', [loss])).svg;
    assert.equal(count(scatter, /class="line"/), 0);
    assert.equal(count(scatter, /class="point"/), 4);
  });

  it('a long series (200,000 steps) is drawn as a line without a dot a point', () => {
    const long = series('loss', Array.from({ length: 200_000 }, (_, i) => [i, 1 / (i + 1)] as [number, number]));
    const svg = renderPlot(data('linear', [long])).svg;
    assert.equal(count(svg, /class="line"/), 1);
    assert.equal(count(svg, /class="point"/), 0);
    assert.ok(svg.length < 100_000, `${svg.length} bytes: the line keeps a few points a pixel column`);
    assert.deepEqual(extent([3, -1, 2]), [-1, 3]);
  });

  it('thinning a line keeps the first, lowest, highest and last point of each pixel column', () => {
    assert.deepEqual(decimateLine([[0, 5], [0.2, 9], [0.3, 1], [0.4, 4], [1, 2], [1.1, 2]]), [[0, 5], [0.2, 9], [0.3, 1], [0.4, 4], [1, 2], [1.1, 2]]);
    assert.deepEqual(decimateLine([[0, 5], [0.1, 6], [0.2, 9], [0.3, 1], [0.4, 4], [0.45, 4]]), [[0, 5], [0.2, 9], [0.3, 1], [0.45, 4]]);
  });

  it('smooth draws the raw points and a moving average through them', () => {
    const noisy = series('loss', Array.from({ length: 20 }, (_, i) => [i, i % 2 ? 1 : 0] as [number, number]));
    const svg = renderPlot(data('smooth', [noisy])).svg;
    assert.equal(count(svg, /class="point"/), 20);
    assert.equal(count(svg, /class="line"/), 1);
    assert.deepEqual(movingAverage([0, 3, 0, 3, 0], 3), [1.5, 1, 2, 1, 1.5]);
    assert.deepEqual(movingAverage([1, 2, 3], 1), [1, 2, 3]);
  });

  it('text x values are spread as categories in the order they come', () => {
    const svg = renderPlot(data('linear', [series('f1', [['small', 0.5], ['large', 0.7]])])).svg;
    assert.deepEqual([...svg.matchAll(/class="x-tick"[^>]*>([^<]+)</g)].map((m) => m[1]), ['small', 'large']);
  });

  it('every text is escaped for XML', () => {
    const evil = data('linear', [series('<b>&"\'', [[1, 1], [2, 2]]), acc], { title: 'a <script>alert(1)</script> & b', xLabel: '<x>' });
    const { svg } = renderPlot(evil);
    assert.ok(!svg.includes('<script>'));
    assert.ok(!svg.includes('<b>'));
    assert.match(svg, /a &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; b/);
    assert.match(svg, /&lt;b&gt;&amp;&quot;&#39;/);
    assert.match(svg, /&lt;x&gt;/);
  });

  it('the same data always gives the same bytes', () => {
    assert.equal(renderPlot(data('linear', [loss, acc])).svg, renderPlot(data('linear', [loss, acc])).svg);
    const html = () => renderPlotsHtml({ revisions: ['HEAD', 'workspace'], plots: [{ id: 'f.csv', title: 'Loss', data: data('linear', [loss]), images: [], source: 'stage "t"', files: ['f.csv'], notes: [] }] });
    assert.equal(html(), html());
  });

  it('an empty chart says there is nothing to plot instead of failing', () => {
    assert.match(renderPlot(data('linear', [series('loss', [[1, 'n/a']])])).svg, /no numeric values to plot/);
  });

  it('horizontal bars: one bar a category, grouped by series; the sorted variant orders by length', () => {
    const imp = series('workspace', [[0.2, 'petal'], [0.5, 'sepal'], [0.3, 'stem']]);
    const svg = renderPlot(data('bar_horizontal', [imp, series('HEAD', [[0.1, 'petal'], [0.4, 'sepal']])])).svg;
    assert.equal(count(svg, /class="bar"/), 5);
    assert.equal(count(svg, /class="legend-item"/), 2);
    const labels = (s: string) => [...s.matchAll(/class="y-tick"[^>]*>([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(labels(svg), ['petal', 'sepal', 'stem']);
    assert.deepEqual(labels(renderPlot(data('bar_horizontal_sorted', [imp])).svg), ['sepal', 'stem', 'petal']);
  });

  it('a confusion matrix counts (actual, predicted) pairs; normalized rows sum to 1', () => {
    const rows = series('workspace', [['cat', 'cat'], ['cat', 'dog'], ['dog', 'dog'], ['dog', 'dog'], ['cat', 'cat'], ['cat', 'cat']]);
    const svg = renderPlot(data('confusion', [rows], { xLabel: 'actual', yLabel: 'predicted' })).svg;
    assert.equal(count(svg, /class="cell"/), 4);
    const values = [...svg.matchAll(/class="cell-value"[^>]*>([^<]+)</g)].map((m) => m[1]);
    // Rows are predicted classes (cat, dog); columns actual classes (cat, dog).
    assert.deepEqual(values, ['3', '0', '1', '2']);
    const norm = renderPlot(data('confusion_normalized', [rows], { xLabel: 'actual', yLabel: 'predicted' })).svg;
    assert.deepEqual([...norm.matchAll(/class="cell-value"[^>]*>([^<]+)</g)].map((m) => m[1]), ['1.00', '0.00', '0.33', '0.67']);
    const two = renderPlot(data('confusion', [rows, { ...rows, label: 'HEAD' }])).svg;
    assert.equal(count(two, /class="matrix"/), 2, 'one matrix a revision');
    assert.match(two, /class="facet-title"[^>]*>HEAD</);
  });

  it('classes sort numbers numerically, then text', () => {
    assert.deepEqual(['10', '2', 'b', '1', 'a'].sort(compareClasses), ['1', '2', '10', 'a', 'b']);
  });
});

describe('the HTML page', () => {
  it('is one self-contained file: a section a plot, inline SVG, no script and no network reference', () => {
    const plot = (id: string) => ({ id, title: `T ${id}`, data: data('linear', [loss, acc], { id, title: `T ${id}` }), images: [], source: 'stage "train"', files: [id], notes: ['x.csv does not exist at HEAD'] });
    const html = renderPlotsHtml({ revisions: ['HEAD', 'workspace'], plots: [plot('a.csv'), plot('b <c>.csv')] });
    assert.match(html, /^<!DOCTYPE html>/);
    assert.equal(count(html, /<section /), 2);
    assert.equal(count(html, /<svg /), 2);
    assert.ok(!/<script|<link|@import|url\(/i.test(html));
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
    assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg']);
    assert.match(html, /<h1>Plots: HEAD vs workspace<\/h1>/);
    assert.match(html, /b &lt;c&gt;\.csv/);
    assert.match(html, /class="note">x\.csv does not exist at HEAD</);
    assert.match(html, /<a href="#plot-2-b-c-csv">/);
    assert.equal(count(html, /class="title"/), 0, 'the heading names each plot; the image does not repeat it');
    assert.match(html, /<h2>T a\.csv<\/h2>/);
  });

  it('shows image plots inline as data: URIs, one figure a revision', () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const images = [{ label: 'HEAD', file: 'fig.png', bytes: png }, { label: 'workspace', file: 'fig.png', bytes: png }];
    const html = renderPlotsHtml({ revisions: ['HEAD', 'workspace'], plots: [{ id: 'fig.png', title: 'fig.png', images, source: 'stage "t"', files: ['fig.png'], notes: [] }] });
    assert.equal(count(html, /<img src="data:image\/png;base64,iVBORw0KGgo="/), 2);
    assert.match(html, /<figcaption>HEAD<\/figcaption>/);
    assert.match(html, /fig\.png<\/code> · image ·/);
  });
});
