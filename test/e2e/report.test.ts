import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sh } from '../helpers/cli.js';
import { pipelineRepo } from '../helpers/pipelineRepo.js';

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

/** main: the pipeline; feature: another lr, more data, and another prepare command, reproduced and committed. */
async function branchRepo() {
  const repo = await pipelineRepo({ plots: true });
  sh(repo.dir, `git checkout -qb feature && sed -i 's/lr: 0.1/lr: 0.2/' params.yaml && echo 7,8 >> data/raw.csv && sed -i "s/> data\\/clean.csv/| sort > data\\/clean.csv/" cairn.yaml`, repo.env);
  await repo.run(['add', 'data/raw.csv']);
  const r = await repo.run(['repro']);
  if (r.code !== 0) throw new Error(r.stderr);
  sh(repo.dir, 'git add -A && git commit -qm feature', repo.env);
  return repo;
}

describe('cairn report', () => {
  it('on a branch, compares with the merge base of main: metrics with deltas, params, data, stages and plots in Markdown', async (t) => {
    const repo = await branchRepo();
    t.after(() => repo.cleanup());
    const r = await repo.run(['report']);
    assert.equal(r.code, 0, r.stderr);
    const md = r.stdout;
    const base = sh(repo.dir, 'git merge-base HEAD main').trim();
    assert.match(md, new RegExp(`^## cairn report: ${base.slice(0, 8)} → workspace$`, 'm'));
    assert.match(md, /^### Metrics\n\n\| Path \| Metric | [0-9a-f]{12} \| workspace \| Change \|$/m);
    assert.match(md, /^\| metrics\.json \| lr \| 0\.1 \| 0\.2 \| \+0\.1  \(\+100%\) \|$/m);
    assert.doesNotMatch(md, /\| acc \|/);
    assert.match(md, /^\| params\.yaml \| train\.lr \| 0\.1 \| 0\.2 \|$/m);
    assert.match(md, /^\| modified \| data\/raw\.csv \| 16 B → 20 B \|$/m);
    assert.match(md, /^\| prepare \| modified \| cmd: grep -v '\^x' data\/raw\.csv > data\/clean\.csv → grep -v '\^x' data\/raw\.csv \\\| sort > data\/clean\.csv; inputs changed: data\/raw\.csv; outputs changed: data\/clean\.csv \|$/m);
    assert.match(md, /^\| train \| modified \| inputs changed: data\/clean\.csv; outputs changed: .*loss\.csv.*metrics\.json.*model\.txt \|$/m);
    assert.match(md, /^### Plots\n\nloss\.csv \(write the report with `-o FILE` to include the images\)$/m);
    assert.match(md, /Compared with the merge base of HEAD and main\./);

    const out = await repo.run(['report', '--md', '-o', 'out/report.md']);
    assert.equal(out.code, 0, out.stderr);
    const file = readFileSync(path.join(repo.dir, 'out/report.md'), 'utf8');
    assert.match(file, /^!\[loss\]\(report_plots\/loss\.svg\)$/m);
    assert.match(readFileSync(path.join(repo.dir, 'out/report_plots/loss.svg'), 'utf8'), /^<svg/);
    assert.match(out.stdout + out.stderr, /Wrote the report of [0-9a-f]{12} → workspace to out\/report\.md \(1 plot image\(s\) beside it\)/);
  });

  it('--html is one page with the tables and inline plots, --json the data, --to a revision instead of the workspace', async (t) => {
    const repo = await branchRepo();
    t.after(() => repo.cleanup());
    const html = await repo.run(['report', '--rev', 'main', '--html']);
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /^<!DOCTYPE html>/);
    assert.match(html.stdout, /<h1>cairn report: main \([0-9a-f]{8}\) → workspace<\/h1>/);
    assert.match(html.stdout, /<tr><td>metrics\.json<\/td><td>lr<\/td><td>0\.1<\/td><td>0\.2<\/td><td>\+0\.1  \(\+100%\)<\/td><\/tr>/);
    assert.match(html.stdout, /<h2>Plots<\/h2>\n<section id="plot-1-loss-csv" class="plot">[\s\S]*<svg/);
    const data = json(await repo.run(['report', '--rev', 'main', '--to', 'HEAD', '--json']));
    assert.equal(data.base.rev, 'main');
    assert.equal(data.base.why, 'the revision given with --rev');
    assert.equal(data.head.commit, sh(repo.dir, 'git rev-parse HEAD').trim());
    assert.deepEqual(data.metrics.map((m: { key: string; change: number }) => [m.key, m.change]), [['lr', 0.1]]);
    assert.deepEqual(data.params.map((p: { key: string }) => p.key), ['train.lr']);
    assert.deepEqual(data.data.modified.map((d: { path: string }) => d.path), ['data/clean.csv', 'data/raw.csv', 'model.txt']);
    assert.deepEqual(data.stages.map((s: { stage: string; change: string }) => `${s.stage}:${s.change}`), ['prepare:modified', 'train:modified']);
    assert.deepEqual(data.plots.map((p: { id: string }) => p.id), ['loss.csv']);
    // Nothing changed between a revision and itself.
    const same = json(await repo.run(['report', '--rev', 'HEAD', '--to', 'HEAD', '--json']));
    assert.deepEqual([same.metrics, same.params, same.stages, same.data.modified], [[], [], [], []]);
  });

  it('on the default branch, the base is HEAD~1, and added stages are reported', async (t) => {
    const repo = await pipelineRepo();
    t.after(() => repo.cleanup());
    const data = json(await repo.run(['report', '--json']));
    assert.equal(data.base.rev, 'HEAD~1');
    assert.match(data.base.why, /HEAD is on main/);
    assert.deepEqual(data.stages.map((s: { stage: string; change: string }) => `${s.stage}:${s.change}`), ['prepare:added', 'train:added']);
    assert.deepEqual(data.data.added.map((d: { path: string }) => d.path).sort(), ['data/clean.csv', 'data/raw.csv', 'model.txt']);
    // A full commit id as --rev heads its column cut to 12 digits, as the default bases do; the commit stays whole.
    const full = sh(repo.dir, 'git rev-parse HEAD~1').trim();
    const given = await repo.run(['report', '--rev', full]);
    assert.equal(given.code, 0, given.stderr);
    assert.match(given.stdout, new RegExp(`^## cairn report: ${full.slice(0, 8)} → workspace$`, 'm'));
    assert.doesNotMatch(given.stdout, new RegExp(full));
    const asJson = json(await repo.run(['report', '--rev', full, '--json']));
    assert.deepEqual([asJson.base.rev, asJson.base.commit], [full.slice(0, 12), full]);
  });

  it('a base that does not exist, or two formats, is a clear error and writes nothing', async (t) => {
    const repo = await pipelineRepo();
    t.after(() => repo.cleanup());
    const r = await repo.run(['report', '--rev', 'nope', '-o', 'report.md']);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /unknown Git revision "nope"/);
    assert.equal(existsSync(path.join(repo.dir, 'report.md')), false);
    const two = await repo.run(['report', '--md', '--html']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /--md and --html are different formats/);
  });
});
