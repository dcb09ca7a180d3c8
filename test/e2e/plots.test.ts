import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findChromium } from '../../src/experiments/plots/rasterizeSvg.js';
import { cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';

const PIPELINE = `stages:
  train:
    cmd: cp src/logs.csv logs.csv
    deps: [src/logs.csv]
    plots:
      - logs.csv: {x: epoch, y: [loss, acc], title: "Training <curves>"}
  evaluate:
    cmd: cp src/cm.json eval/cm.json
    deps: [src/cm.json]
    plots:
      - eval/cm.json: {cache: false, template: confusion}
`;

const LOGS_V1 = 'epoch,loss,acc\n1,0.9,0.5\n2,0.6,0.7\n3,0.4,0.8\n';
const LOGS_V2 = 'epoch,loss,acc\n1,0.8,0.55\n2,0.5,0.75\n3,0.3,0.85\n4,0.25,0.9\n';
const CM = JSON.stringify([
  { actual: 'ham', predicted: 'ham' }, { actual: 'ham', predicted: 'spam' }, { actual: 'spam', predicted: 'spam' },
]);

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern.source, 'g')) ?? []).length;
/** The <section> of one plot in the page, by its title. */
const section = (html: string, title: string) => html.split('<section ').find((s) => s.includes(`<h2>${title}</h2>`)) ?? '';
/** Width and height from a PNG's IHDR chunk. */
const pngSize = (file: string) => {
  const b = readFileSync(file);
  assert.equal(b.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

describe('cairn plots', () => {
  const repo = tempGitRepo();
  const run = (...args: string[]) => cairn(repo.dir, ['plots', ...args], repo.env);
  const read = (rel: string) => readFileSync(path.join(repo.dir, rel), 'utf8');
  after(() => repo.cleanup());

  before(async () => {
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);
    writeTree(repo.dir, { 'cairn.yaml': PIPELINE, 'src/logs.csv': LOGS_V1, 'src/cm.json': CM, 'eval/.keep': '' });
    const r = await cairn(repo.dir, ['repro'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    // logs.csv is a cached output (ignored by Git); eval/cm.json is committed.
    sh(repo.dir, 'git add -A && git commit -q -m v1', repo.env);
  });

  it('show writes one self-contained HTML page with a section a declared plot', async () => {
    const r = await run('show');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Wrote 2 plots of the workspace to plots\.html\nopen it in a browser: file:\/\/.*\/plots\.html\n$/);
    const html = read('plots.html');
    assert.equal(count(html, /<section /), 2);
    assert.ok(html.indexOf('<h2>Training &lt;curves&gt;</h2>') < html.indexOf('<h2>eval/cm.json</h2>'), 'in the order cairn.yaml declares them');
    assert.deepEqual([...new Set(html.match(/https?:\/\/[^\s"'<>]+/g))], ['http://www.w3.org/2000/svg'], 'no network reference but the SVG namespace');
    assert.ok(!/<script|<link|<img|@import|url\(/i.test(html));
    const training = section(html, 'Training &lt;curves&gt;');
    assert.equal(count(training, /class="line"/), 2, 'loss and acc');
    assert.equal(count(training, /class="point"/), 6);
    assert.match(training, /class="legend-item">.*>loss<\/text>/);
    const cm = section(html, 'eval/cm.json');
    assert.equal(count(cm, /class="cell"/), 4);
    assert.match(cm, /template <code>confusion<\/code>/);
  });

  it('-o naming a folder writes plots.html inside it', async () => {
    const r = await run('show', '-o', 'reports/');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /to reports\/plots\.html\n/);
    assert.match(read('reports/plots.html'), /^<!DOCTYPE html>/);
  });

  it('show --json prints the rows instead of drawing', async () => {
    const r = await run('show', 'train', '--json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.revisions, ['workspace']);
    assert.deepEqual(json.plots.map((p: { id: string }) => p.id), ['logs.csv']);
    assert.deepEqual(json.plots[0].revisions.workspace['logs.csv'][2], { epoch: 3, loss: 0.4, acc: 0.8 });
  });

  it('diff draws HEAD and the workspace as separate series, reading the cached plot of HEAD from the cache', async () => {
    writeFileSync(path.join(repo.dir, 'src/logs.csv'), LOGS_V2);
    writeFileSync(path.join(repo.dir, 'src/cm.json'), JSON.stringify([{ actual: 'ham', predicted: 'ham' }]));
    assert.equal((await cairn(repo.dir, ['repro'], repo.env)).code, 0);
    const r = await run('diff', '-o', 'out/diff.html');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Wrote 2 plots of HEAD and the workspace to out\/diff\.html/);
    const html = read('out/diff.html');
    assert.match(html, /<h1>Plots: HEAD vs workspace<\/h1>/);
    const training = section(html, 'Training &lt;curves&gt;');
    assert.equal(count(training, /class="line"/), 4, 'two fields at two revisions');
    assert.equal(count(training, /class="point"/), 3 * 2 + 4 * 2);
    for (const label of ['HEAD · loss', 'HEAD · acc', 'workspace · loss', 'workspace · acc']) assert.ok(training.includes(`>${label}</text>`), label);
    const cm = section(html, 'eval/cm.json');
    assert.equal(count(cm, /class="matrix"/), 2, 'one matrix a revision');
  });

  it('diff between two commits, for one target, as JSON', async () => {
    sh(repo.dir, 'git add -A && git commit -q -m v2', repo.env);
    const r = await run('diff', 'HEAD~1', 'HEAD', 'logs.csv', '--json');
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.revisions, ['HEAD~1', 'HEAD']);
    assert.equal(json.plots.length, 1);
    assert.equal(json.plots[0].revisions['HEAD~1']['logs.csv'].length, 3);
    assert.equal(json.plots[0].revisions.HEAD['logs.csv'].length, 4);
  });

  it('any CSV file can be a target, with the axes and template from the command line', async () => {
    writeTree(repo.dir, { 'extra/roc.csv': 'fpr,tpr\n0,0\n0.1,0.6\n1,1\n' });
    const r = await cairn(path.join(repo.dir, 'extra'), ['plots', 'show', 'roc.csv', '-x', 'fpr', '-y', 'tpr', '-t', 'scatter', '--title', 'ROC', '-o', 'roc.html'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const html = read('extra/roc.html');
    assert.match(html, /<h2>ROC<\/h2>/);
    assert.equal(count(html, /class="point"/), 3);
    assert.equal(count(html, /class="line"/), 0);
  });

  it('--format svg writes one image a plot into a folder', async () => {
    const r = await run('show', '--format', 'svg', '-o', 'images');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(path.join(repo.dir, 'images')).sort(), ['eval_cm.svg', 'logs.svg']);
    assert.match(read('images/logs.svg'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('bad targets, templates and files are clear errors that write nothing', async () => {
    const unknown = await run('show', 'trian', '-o', 'bad.html');
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /no plot, stage or plot file named "trian"\nhint: did you mean "train"\?/);
    const rev = await run('diff', 'no-such-branch');
    assert.equal(rev.code, 4);
    assert.match(rev.stderr, /"no-such-branch" is neither a Git revision nor a plot, stage or plot file/);
    const outside = await run('show', '../elsewhere.csv');
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /outside the repository/);
    const template = await run('show', '-t', 'pie', '-o', 'bad.html');
    assert.equal(template.code, 3);
    assert.match(template.stderr, /unknown plot template "pie"[^]*hint: use one of: linear, simple, scatter, smooth, confusion, confusion_normalized, bar_horizontal, bar_horizontal_sorted/);
    writeTree(repo.dir, { 'broken.csv': 'a,b\n1,2\n3\n' });
    const broken = await run('show', 'broken.csv', '-o', 'bad.html');
    assert.equal(broken.code, 3);
    assert.match(broken.stderr, /broken\.csv, line 3: 1 fields where the header has 2/);
    const field = await run('show', 'logs.csv', '-y', 'nope', '-o', 'bad.html');
    assert.equal(field.code, 3);
    assert.match(field.stderr, /logs\.csv has no field "nope"[^]*its fields are: epoch, loss, acc/);
    const format = await run('show', '--format', 'gif');
    assert.equal(format.code, 2);
    assert.match(format.stderr, /unknown --format "gif"/);
    assert.ok(!existsSync(path.join(repo.dir, 'bad.html')));
  });

  it('templates lists the templates and what each draws', async () => {
    const r = await run('templates');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^linear {17}lines with a point at each value \(the default\)\n/);
    assert.equal(r.stdout.trim().split('\n').length, 8);
    const json = JSON.parse((await run('templates', '--json')).stdout);
    assert.deepEqual(json.map((t: { name: string }) => t.name), ['linear', 'simple', 'scatter', 'smooth', 'confusion', 'confusion_normalized', 'bar_horizontal', 'bar_horizontal_sorted']);
  });

  it('an unknown template in cairn.yaml names the plot and lists the templates', async () => {
    const other = tempGitRepo();
    after(() => other.cleanup());
    await cairn(other.dir, ['init'], other.env);
    writeTree(other.dir, { 'cairn.yaml': 'stages:\n  t:\n    cmd: "true"\n    plots:\n      - p.csv: {template: pie}\n', 'p.csv': 'x,y\n1,2\n' });
    const r = await cairn(other.dir, ['plots', 'show'], other.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /unknown plot template "pie" in plots "p\.csv" of stage "t"[^]*bar_horizontal_sorted/);
  });

  it('a declared plot missing from the workspace is a warning; the others are still drawn', async () => {
    writeTree(repo.dir, { 'cairn.yaml': `${PIPELINE}      - eval/later.json\n` });
    const r = await run('show', '-o', 'partial.html');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: eval\/later\.json: nothing to plot \(eval\/later\.json does not exist in the workspace \(run `cairn repro` to produce it\)\)/);
    assert.equal(count(read('partial.html'), /<section /), 2);
    writeTree(repo.dir, { 'cairn.yaml': PIPELINE });
  });

  it('a plots folder (DVCLive\'s dvclive/plots/metrics) is one plot a file, also at a revision where it is cached', async () => {
    const other = tempGitRepo();
    after(() => other.cleanup());
    await cairn(other.dir, ['init'], other.env);
    const live = (n: number) => ({
      'src/train/loss.tsv': `step\tloss\n${Array.from({ length: n }, (_, i) => `${i}\t${1 / (i + 1)}`).join('\n')}\n`,
      'src/eval/acc.tsv': `step\tacc\n0\t0.5\n1\t${0.5 + n / 100}\n`,
    });
    writeTree(other.dir, {
      'cairn.yaml': 'stages:\n  train:\n    cmd: mkdir -p dvclive/plots && rm -rf dvclive/plots/metrics && cp -r src dvclive/plots/metrics\n    deps: [src]\n    plots:\n      - dvclive/plots/metrics: {x: step}\n',
      ...live(3),
    });
    assert.equal((await cairn(other.dir, ['repro'], other.env)).code, 0);
    sh(other.dir, 'git add -A && git commit -q -m v1', other.env);
    writeTree(other.dir, live(5));
    assert.equal((await cairn(other.dir, ['repro'], other.env)).code, 0);
    const r = await cairn(other.dir, ['plots', 'diff', '--json'], other.env);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.plots.map((p: { id: string }) => p.id), ['dvclive/plots/metrics/eval/acc.tsv', 'dvclive/plots/metrics/train/loss.tsv']);
    const loss = json.plots[1].revisions;
    assert.equal(loss.HEAD['dvclive/plots/metrics/train/loss.tsv'].length, 3, 'HEAD read from the cached folder through cairn.lock');
    assert.equal(loss.workspace['dvclive/plots/metrics/train/loss.tsv'].length, 5);
    const one = await cairn(other.dir, ['plots', 'show', 'dvclive/plots/metrics/train/loss.tsv', '--json'], other.env);
    assert.equal(JSON.parse(one.stdout).plots[0].source, 'stage "train"', 'a file inside a declared folder takes its options');
  });

  it('a cached output that is not a declared plot can be a target at a revision, found through cairn.lock', async () => {
    const other = tempGitRepo();
    after(() => other.cleanup());
    await cairn(other.dir, ['init'], other.env);
    writeTree(other.dir, { 'cairn.yaml': 'stages:\n  s:\n    cmd: cp src/d.csv d.csv\n    deps: [src/d.csv]\n    outs: [d.csv]\n', 'src/d.csv': 'x,y\n1,2\n2,3\n' });
    assert.equal((await cairn(other.dir, ['repro'], other.env)).code, 0);
    sh(other.dir, 'git add -A && git commit -q -m v1 && rm d.csv', other.env);
    const r = await cairn(other.dir, ['plots', 'diff', 'HEAD', 'd.csv', '--json'], other.env);
    assert.equal(r.code, 0, r.stderr);
    const [plot] = JSON.parse(r.stdout).plots;
    assert.deepEqual(plot.revisions, { HEAD: { 'd.csv': [{ x: 1, y: 2 }, { x: 2, y: 3 }] } });
    assert.match(r.stderr, /warning: d\.csv: d\.csv does not exist in the workspace/);
  });

  it('an image plot (a saved figure) is shown as it is, one a revision, and copied as it is by --format svg', async () => {
    const other = tempGitRepo();
    after(() => other.cleanup());
    await cairn(other.dir, ['init'], other.env);
    const png = (n: number) => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(n, 7)]);
    writeTree(other.dir, { 'cairn.yaml': 'stages:\n  fig:\n    cmd: cp src/fig.png fig.png\n    deps: [src/fig.png]\n    plots: [fig.png]\n', 'src/fig.png': png(10) });
    assert.equal((await cairn(other.dir, ['repro'], other.env)).code, 0);
    sh(other.dir, 'git add -A && git commit -q -m v1', other.env);
    writeTree(other.dir, { 'src/fig.png': png(20) });
    assert.equal((await cairn(other.dir, ['repro'], other.env)).code, 0);
    const r = await cairn(other.dir, ['plots', 'diff'], other.env);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(path.join(other.dir, 'plots.html'), 'utf8');
    assert.equal(count(html, /<img src="data:image\/png;base64,/), 2);
    assert.ok(html.includes(png(10).toString('base64')) && html.includes(png(20).toString('base64')), 'HEAD from the cache, and the workspace');
    const json = JSON.parse((await cairn(other.dir, ['plots', 'diff', '--json'], other.env)).stdout);
    assert.deepEqual(json.plots[0].images, [{ revision: 'HEAD', file: 'fig.png', size: 18 }, { revision: 'workspace', file: 'fig.png', size: 28 }]);
    const svg = await cairn(other.dir, ['plots', 'diff', '--format', 'svg', '-o', 'imgs'], other.env);
    assert.equal(svg.code, 0, svg.stderr);
    assert.deepEqual(readdirSync(path.join(other.dir, 'imgs')).sort(), ['fig-HEAD.png', 'fig-workspace.png']);
    assert.deepEqual(readFileSync(path.join(other.dir, 'imgs/fig-HEAD.png')), png(10));
  });

  it('--format png without chromium on the PATH says to install it or use svg', async () => {
    // A PATH with git (cairn finds the pipeline files with it) and nothing else: no chromium.
    const empty = path.join(repo.home, 'git-only-bin');
    mkdirSync(empty, { recursive: true });
    if (!existsSync(path.join(empty, 'git'))) symlinkSync(sh(repo.dir, 'command -v git').trim(), path.join(empty, 'git'));
    const r = await cairn(repo.dir, ['plots', 'show', '--format', 'png'], { ...repo.env, PATH: empty });
    assert.equal(r.code, 4);
    assert.match(r.stderr, /writing PNG images needs Chromium, and there is no `chromium` on the PATH\nhint: install it .*apt-get install chromium.*--format svg/);
  });

  it('--format png runs chromium headless, without network, at the size of each plot', async () => {
    // A stand-in chromium that records its arguments and writes a PNG header where --screenshot says.
    const bin = path.join(repo.home, 'fake-bin');
    mkdirSync(bin, { recursive: true });
    const log = path.join(repo.home, 'chromium-args.jsonl');
    writeFileSync(path.join(bin, 'chromium'), `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const out = args.find((a) => a.startsWith('--screenshot=')).slice(13);
const [w, h] = args.find((a) => a.startsWith('--window-size=')).slice(14).split(',').map(Number);
const png = Buffer.alloc(24); Buffer.from('89504e470d0a1a0a', 'hex').copy(png); png.writeUInt32BE(w, 16); png.writeUInt32BE(h, 20);
fs.writeFileSync(out, png);
`);
    chmodSync(path.join(bin, 'chromium'), 0o755);
    const r = await cairn(repo.dir, ['plots', 'show', 'logs.csv', '--format', 'png', '-o', 'png'], { ...repo.env, PATH: `${bin}:${repo.env.PATH}` });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Wrote 1 plot as PNG into png\/:\n {2}png\/logs\.png/);
    const [args] = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    for (const flag of ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']) assert.ok(args.includes(flag), flag);
    const svg = readFileSync(path.join(repo.dir, 'images/logs.svg'), 'utf8');
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
    assert.ok(args.includes(`--window-size=${w},${h}`), args.join(' '));
    assert.match(args[args.length - 1], /^file:\/\/.*logs\.png\.html$/);
    assert.deepEqual(pngSize(path.join(repo.dir, 'png/logs.png')), { width: Number(w), height: Number(h) });
  });

  it('--format png with the real chromium writes images of each plot\'s size', { skip: findChromium(process.env) ? false : 'needs Debian chromium (apt-get install chromium)' }, async () => {
    const r = await run('show', '--format', 'png', '-o', 'real-png');
    assert.equal(r.code, 0, r.stderr);
    const size = pngSize(path.join(repo.dir, 'real-png/logs.png'));
    const svg = readFileSync(path.join(repo.dir, 'images/logs.svg'), 'utf8');
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!;
    assert.deepEqual(size, { width: Number(w), height: Number(h) });
    assert.ok(readFileSync(path.join(repo.dir, 'real-png/logs.png')).length > 2000, 'a drawn image, not an empty one');
  });
});
