import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildGraph } from '../../src/pipeline/dag.js';
import { resolvePipeline } from '../../src/pipeline/loadPipeline.js';
import { deferUpstreamParams } from '../../src/pipeline/plan.js';
import { parse } from 'yaml';
import { cairn, tempGitRepo, writeTree } from '../helpers/cli.js';

// `configure` writes the params file `train` depends on: under DVC it is read when `train` is about to run.
const PIPELINE = `stages:
  configure:
    cmd: sh configure.sh
    deps: [base.txt, configure.sh]
    outs: [conf/train.yaml]
  train:
    cmd: grep lr conf/train.yaml > model.txt
    params:
      - conf/train.yaml: [lr]
    outs: [model.txt]
`;

describe('a params file that an upstream stage writes', () => {
  it('is a dependency edge, and a forecast says its values are read after the writer runs', () => {
    const p = resolvePipeline(parse(PIPELINE), { file: 'cairn.yaml', readData: () => undefined });
    const graph = buildGraph(p);
    assert.deepEqual(graph.upstream.get('train'), ['configure']);
    assert.deepEqual(graph.paramsFrom.get('train'), [{ file: 'conf/train.yaml', producer: 'configure' }]);
    const plan = deferUpstreamParams([
      { stage: 'configure', action: 'run', reasons: [{ kind: 'dep-modified', message: 'dependency base.txt modified' }] },
      { stage: 'train', action: 'run', reasons: [{ kind: 'params', subject: 'conf/train.yaml:lr', message: 'param lr changed' }] },
    ], graph.paramsFrom);
    assert.deepEqual(plan[1].reasons.map((r) => r.kind), ['params-later']);
    assert.match(plan[1].reasons[0].message, /params in conf\/train\.yaml will be read after upstream stage configure writes them/);
    // When the writer does not run, the file is read now, as any params file.
    const idle = deferUpstreamParams([{ stage: 'configure', action: 'skip', reasons: [] }, { stage: 'train', action: 'skip', reasons: [] }], graph.paramsFrom);
    assert.deepEqual(idle[1].reasons, []);
  });

  it('runs end to end: the file is read when the stage is about to run, not when planning', async (t) => {
    const repo = tempGitRepo();
    t.after(() => repo.cleanup());
    writeTree(repo.dir, { 'cairn.yaml': PIPELINE, 'base.txt': '0.1\n', 'configure.sh': 'mkdir -p conf\necho "lr: $(cat base.txt)" > conf/train.yaml\n' });
    assert.equal((await cairn(repo.dir, ['init'], repo.env)).code, 0);

    const dry = await cairn(repo.dir, ['repro', '--dry'], repo.env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Would run stage 'train':.*params in conf\/train\.yaml will be read after upstream stage configure writes them/);
    const status = await cairn(repo.dir, ['status'], repo.env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /params in conf\/train\.yaml will be read after upstream stage configure writes them/);

    const r = await cairn(repo.dir, ['repro'], repo.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(path.join(repo.dir, 'model.txt'), 'utf8'), 'lr: 0.1\n');
    assert.match(readFileSync(path.join(repo.dir, 'cairn.lock'), 'utf8'), /conf\/train\.yaml:\n\s+lr: 0\.1/);

    // A new value upstream: train sees the value configure just wrote, not the one there when planning.
    writeFileSync(path.join(repo.dir, 'base.txt'), '0.2\n');
    const again = await cairn(repo.dir, ['repro'], repo.env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(path.join(repo.dir, 'model.txt'), 'utf8'), 'lr: 0.2\n');
    assert.match(readFileSync(path.join(repo.dir, 'cairn.lock'), 'utf8'), /conf\/train\.yaml:\n\s+lr: 0\.2/);
    assert.match((await cairn(repo.dir, ['status'], repo.env)).stdout, /all up to date/);
  });
});
