import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

describe('cairn dag', () => {
  const repo = tempGitRepo();
  before(async () => {
    await cairn(repo.dir, ['init'], repo.env);
    writeTree(repo.dir, {
      'cairn.yaml': `stages:
  prepare: {cmd: p, deps: [raw], outs: [data]}
  train: {cmd: t, deps: [data/train], outs: [model.pkl]}
  evaluate: {cmd: e, deps: [model.pkl, data/test], metrics: [metrics.json]}
  lint: {cmd: l, frozen: true}
`,
    });
  });
  after(() => repo.cleanup());

  it('draws layered boxes, upstream first, with what feeds each layer', async () => {
    const r = await cairn(repo.dir, ['dag'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '┌───────────────┐  ┌─────────┐');
    assert.equal(lines[1], '│ lint (frozen) │  │ prepare │');
    assert.ok(r.stdout.indexOf('prepare ──▶ train') > 0);
    assert.ok(r.stdout.indexOf('prepare, train ──▶ evaluate') > r.stdout.indexOf('│ train │'));
    assert.ok(r.stdout.indexOf('│ evaluate │') > r.stdout.indexOf('│ train │'));
  });

  it('a target shows it and its upstream; --full the whole connected graph', async () => {
    const r = await cairn(repo.dir, ['dag', 'train', '--json'], repo.env);
    const view = JSON.parse(r.stdout);
    assert.deepEqual(view.nodes.map((n: { name: string }) => n.name), ['prepare', 'train']);
    assert.deepEqual(view.edges, [{ from: 'prepare', to: 'train', paths: ['data/train'] }]);
    const full = JSON.parse((await cairn(repo.dir, ['dag', 'train', '--full', '--json'], repo.env)).stdout);
    assert.deepEqual(full.nodes.map((n: { name: string }) => n.name), ['evaluate', 'prepare', 'train']);
  });

  it('prints Mermaid and Graphviz dot', async () => {
    const m = await cairn(repo.dir, ['dag', '--mermaid'], repo.env);
    assert.equal(m.stdout, 'flowchart TD\n  s0["evaluate"]\n  s1["lint"]\n  s2["prepare"]\n  s3["train"]\n  s2 --> s0\n  s2 --> s3\n  s3 --> s0\n');
    const d = await cairn(repo.dir, ['dag', '--dot'], repo.env);
    assert.match(d.stdout, /^digraph cairn \{\n/);
    assert.match(d.stdout, /  "prepare" -> "train";\n/);
    assert.match(d.stdout, /  "lint" \[style="rounded,dashed"\];/);
    const md = await cairn(repo.dir, ['dag', '--md'], repo.env);
    assert.match(md.stdout, /^```mermaid\nflowchart TD\n[\s\S]*```\n$/);
  });

  it('an unknown target is NOT_FOUND with a suggestion; two formats are a usage error', async () => {
    const r = await cairn(repo.dir, ['dag', 'evalute'], repo.env);
    assert.equal(r.code, 4);
    assert.match(r.stderr, /did you mean "evaluate"/);
    const both = await cairn(repo.dir, ['dag', '--dot', '--mermaid'], repo.env);
    assert.equal(both.code, 2);
  });

  it('a cycle is reported with the stages in order', async () => {
    const other = tempGitRepo();
    after(() => other.cleanup());
    await cairn(other.dir, ['init'], other.env);
    writeTree(other.dir, { 'cairn.yaml': 'stages:\n  a: {cmd: x, deps: [b.txt], outs: [a.txt]}\n  b: {cmd: y, deps: [a.txt], outs: [b.txt]}\n' });
    const r = await cairn(other.dir, ['dag'], other.env);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /dependency cycle: a -> b -> a/);
  });
});
