import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sh, writeTree } from '../helpers/cli.js';
import { cairnRepo } from '../helpers/dataRepo.js';

/** Top-level plots of two pipeline files, one taking x from one file and y from two, as DVCLive's projects have them. */
const ROOT_PIPELINE = `stages:
  train:
    cmd: cp src/train.csv train.csv && cp src/val.csv val.csv
    deps: [src/train.csv, src/val.csv]
    outs: [train.csv, val.csv]
plots:
  - curves:
      x: epoch
      y:
        train.csv: loss
        val.csv: [loss, acc]
      title: Loss and accuracy
      x_label: Epoch
`;
const SUB_PIPELINE = `stages:
  evaluate:
    cmd: cp in.csv roc.csv
    deps: [in.csv]
    plots:
      - roc.csv: {x: fpr, y: tpr, title: ROC}
`;

describe('cairn plots with top-level plots and several pipeline files', () => {
  it('draws a top-level plot from two files and a stage plot of a sub-folder pipeline, also at a revision', async (t) => {
    const repo = await cairnRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, {
      'cairn.yaml': ROOT_PIPELINE,
      'src/train.csv': 'epoch,loss\n1,0.9\n2,0.5\n',
      'src/val.csv': 'epoch,loss,acc\n1,1.0,0.4\n2,0.7,0.6\n',
      'eval/cairn.yaml': SUB_PIPELINE,
      'eval/in.csv': 'fpr,tpr\n0,0\n0.2,0.7\n1,1\n',
    });
    assert.equal((await repo.run(['repro'])).code, 0);
    sh(repo.dir, 'git add -A && git commit -qm v1', repo.env);
    const json = await repo.run(['plots', 'show', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const plots = JSON.parse(json.stdout).plots as Array<{ id: string; title?: string }>;
    assert.deepEqual(plots.map((p) => p.id).sort(), ['curves', 'eval/roc.csv']);
    const html = await repo.run(['plots', 'show', '-o', 'out.html']);
    assert.equal(html.code, 0, html.stderr);
    const page = readFileSync(path.join(repo.dir, 'out.html'), 'utf8');
    assert.match(page, /Loss and accuracy/);
    assert.match(page, /ROC/);
    for (const series of ['train.csv', 'val.csv']) assert.match(page, new RegExp(series.replace('.', '\\.')));

    writeFileSync(path.join(repo.dir, 'eval/in.csv'), 'fpr,tpr\n0,0\n0.1,0.8\n1,1\n');
    assert.equal((await repo.run(['repro'])).code, 0);
    const diff = await repo.run(['plots', 'diff', 'HEAD', '--json', 'eval/roc.csv']);
    assert.equal(diff.code, 0, diff.stderr);
    const revs = JSON.stringify(JSON.parse(diff.stdout));
    assert.match(revs, /0\.7/, 'HEAD side read through eval/cairn.lock and the cache');
    assert.match(revs, /0\.8/, 'workspace side');
  });
});
