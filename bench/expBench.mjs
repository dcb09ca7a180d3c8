// Issue 7 measurement: `cairn exp show` with 1,000 experiments (target: under 0.5 s), next to `git for-each-ref`
// over the same refs (the floor: reading them at all) in the same run.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { cairn, hasCommand, human, medianOf, newCairnRepo, row, sh, timed } from './harness.mjs';

/** Makes `count` experiment commits on one baseline in a single `git fast-import` stream (seconds, not minutes). */
function seedExperiments(repo, env, count) {
  const baseline = sh(repo, 'git rev-parse HEAD', env).stdout.trim();
  const chunks = [];
  for (let i = 0; i < count; i++) {
    const lr = Number((0.001 * (i + 1)).toPrecision(6));
    const summary = {
      version: 1, name: `bench-${i}`, baseline, changes: [{ file: null, key: 'train.lr', op: 'set', value: lr }],
      params: { 'params.yaml': { 'train.lr': lr, 'train.depth': 3 + (i % 5) } },
      metrics: { 'metrics.json': { score: 1 - Math.abs(lr - 0.3), loss: Math.abs(lr - 0.3) } },
      deps: { 'train.py': 'ab'.repeat(32) }, created: 1_700_000_000_000 + i, durationMs: 1000,
    };
    const message = `cairn exp bench-${i}: train.lr=${lr}\n\ncairn-experiment: ${JSON.stringify(summary)}\n`;
    chunks.push(`commit refs/cairn/exps/bench-${i}\ncommitter bench <bench@example.invalid> ${1_700_000_000 + i} +0000\ndata ${Buffer.byteLength(message)}\n${message}from ${baseline}\n\n`);
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: repo, env, input: chunks.join('') });
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr}`);
}

export function benchExperiments({ env, dir, scale, rows, log }) {
  if (!hasCommand('exp', env)) {
    log('experiments: `cairn exp` not built yet, skipped');
    return;
  }
  const count = Math.max(100, Math.round(1000 * scale));
  const repo = newCairnRepo(dir, 'exp-show', env);
  writeFileSync(path.join(repo, 'params.yaml'), 'train:\n  lr: 0.1\n  depth: 3\n');
  writeFileSync(path.join(repo, 'cairn.yaml'), 'stages:\n  train:\n    cmd: python3 -c "print(1)"\n    params: [train.lr, train.depth]\n    metrics:\n      - metrics.json:\n          cache: false\n');
  writeFileSync(path.join(repo, 'metrics.json'), '{"score": 0.8, "loss": 0.2}\n');
  sh(repo, 'git add -A && git commit -q -m baseline', env);
  log(`experiments: seeding ${human(count)} experiments`);
  seedExperiments(repo, env, count);
  log('experiments: cairn exp show');
  const show = medianOf(3, () => cairn(repo, ['exp', 'show', '--sort-by', 'metrics.score'], env).seconds);
  const floor = medianOf(3, () => timed(repo, 'git', ['for-each-ref', '--format=%(refname) %(contents:body)', 'refs/cairn/exps/'], env).seconds);
  rows.push(row({ section: 'experiments', name: `\`cairn exp show --sort-by\` with ${human(count)} experiments (median of 3; target < 0.5 s)`, cairnSeconds: show, kind: 'absolute', target: 0.5 }));
  rows.push(row({ section: 'experiments', name: 'the same', cairnSeconds: show, baseline: '`git for-each-ref` reading the same refs and messages', baselineSeconds: floor }));
}
