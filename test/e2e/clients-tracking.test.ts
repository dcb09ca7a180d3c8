import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it, type TestContext } from 'node:test';
import { PYTHON_CLIENT_DIR } from '../../src/sdk/index.js';
import { PROJECT_ROOT, cairn, runNode, tempGitRepo, writeTree } from '../helpers/cli.js';

const python = spawnSync('python3', ['--version']).status === 0;

interface ShownRun {
  info: { run_id: string; run_name: string; status: string };
  experiment_name: string;
  data: { metrics: Array<{ key: string; value: number | string; step: number }>; params: Array<{ key: string; value: string }>; tags: Array<{ key: string; value: string }> };
  inputs: { dataset_inputs: Array<{ dataset: { name: string; digest: string; source: string } }> };
  artifacts: Array<{ path: string; oid: string; size: number }>;
}

async function repoWithModel(t: TestContext) {
  const repo = tempGitRepo();
  t.after(repo.cleanup);
  assert.equal((await cairn(repo.dir, ['init', '-q'], repo.env)).code, 0);
  writeTree(repo.dir, { 'model.bin': 'weights\n' });
  return repo;
}

async function shown(dir: string, env: Record<string, string>, id: string): Promise<ShownRun> {
  const r = await cairn(dir, ['runs', 'show', id, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ShownRun;
}

/** What both clients logged, as `cairn runs show --json` reports it. */
function assertLogged(run: ShownRun, id: string) {
  assert.equal(run.info.run_id, id);
  assert.equal(run.info.run_name, 'script-run');
  assert.equal(run.info.status, 'FINISHED');
  assert.equal(run.experiment_name, 'e2e');
  assert.deepEqual(run.data.params.find((p) => p.key === 'lr'), { key: 'lr', value: '0.1' });
  const loss = run.data.metrics.find((m) => m.key === 'loss');
  assert.deepEqual([loss?.value, loss?.step], [0.2, 4], 'the latest loss point');
  assert.equal(run.data.metrics.find((m) => m.key === 'f1')?.value, 'NaN');
  assert.ok(run.data.tags.some((t) => t.key === 'team' && t.value === 'vision'));
  assert.deepEqual(run.inputs.dataset_inputs.map((d) => d.dataset.name), ['train']);
  assert.deepEqual(run.artifacts.map((a) => a.path).sort(), ['meta/labels.yaml', 'models/model.bin']);
  assert.equal(run.artifacts.find((a) => a.path === 'models/model.bin')?.size, 'weights\n'.length);
}

describe('a script outside any pipeline is tracked by `cairn runs`', () => {
  it('a Python script using clients/python: params, metrics, tags, dataset, artifacts and a nested run', { skip: python ? false : 'python3 is not installed' }, async (t) => {
    const repo = await repoWithModel(t);
    writeTree(repo.dir, {
      'train.py': [
        'import cairn',
        'with cairn.start_run(name="script-run", experiment="e2e", tags={"team": "vision"}) as run:',
        '    cairn.log_params({"lr": 0.1, "epochs": 3})',
        '    for step in range(5):',
        '        cairn.log_metric("loss", 1.0 / (step + 1), step=step)',
        '    cairn.log_metrics({"acc": 0.9, "f1": float("nan")}, step=4)',
        '    cairn.log_artifact("model.bin", "models")',
        '    cairn.log_dict({"classes": ["a", "b"]}, "meta/labels.yaml")',
        '    cairn.log_input("train", "ab" * 32, source="data/train.csv", context="training")',
        '    with cairn.start_run(name="fold-1", nested=True) as child:',
        '        cairn.log_metric("acc", 0.5)',
        'print(run.id, child.id)',
      ].join('\n'),
    });
    // No CAIRN_BIN: the client ingests through the cairn package it belongs to.
    const r = spawnSync('python3', ['train.py'], { cwd: repo.dir, env: { ...repo.env, PYTHONPATH: PYTHON_CLIENT_DIR }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'ingested without a warning');
    const [id, childId] = r.stdout.trim().split(' ');
    assert.deepEqual(readdirSync(path.join(repo.dir, '.cairn', 'tracking', 'pending')), [], 'the pending file and its copies are gone');
    assertLogged(await shown(repo.dir, repo.env, id), id);
    const child = await shown(repo.dir, repo.env, childId);
    assert.ok(child.data.tags.some((tag) => tag.key === 'mlflow.parentRunId' && tag.value === id));
    assert.deepEqual(child.data.metrics.map((m) => [m.key, m.value]), [['acc', 0.5]]);
  });

  it('a Node.js script using the TypeScript SDK', async (t) => {
    const repo = await repoWithModel(t);
    const sdk = pathToFileURL(path.join(PROJECT_ROOT, 'dist', 'sdk', 'index.js')).href;
    writeFileSync(path.join(repo.dir, 'train.mjs'), [
      `import { startRun } from ${JSON.stringify(sdk)};`,
      "const run = startRun({ name: 'script-run', experiment: 'e2e', tags: { team: 'vision' } });",
      "run.logParams({ lr: 0.1, epochs: 3 });",
      "for (let step = 0; step < 5; step++) run.logMetric('loss', 1 / (step + 1), step);",
      "run.logMetrics({ acc: 0.9, f1: NaN }, 4);",
      "run.logArtifact('model.bin', 'models');",
      "run.logDict({ classes: ['a', 'b'] }, 'meta/labels.yaml');",
      "run.logInput({ name: 'train', digest: 'ab'.repeat(32), source: 'data/train.csv', context: 'training' });",
      'run.end();',
      'console.log(run.id);',
    ].join('\n'));
    const r = await runNode(path.join(repo.dir, 'train.mjs'), [], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.deepEqual(readdirSync(path.join(repo.dir, '.cairn', 'tracking', 'pending')), [], 'the pending file and its copies are gone');
    assertLogged(await shown(repo.dir, repo.env, id), id);
  });
});
