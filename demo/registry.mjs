// The demo's registry part: the best experiment's model registered as a Git tag, promoted to prod behind a gate (and
// refused behind a stricter one), proven to reproduce, bundled for deployment, traced to its data, and the report a
// pull request would get between the demo's first and last commits.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const MODEL = 'spam-filter';

const ARTIFACTS = `
# The model the registry knows (DVC's keys): cairn model register reads its path, type, description and labels here.
artifacts:
  ${MODEL}:
    path: model/model.json
    type: model
    desc: Multinomial naive Bayes spam filter, trained on the SpamAssassin public corpus
    labels: [nlp, naive-bayes]
`;

export async function registry(ctx) {
  const { n, repo } = ctx;
  n.section('A model registry in Git tags: register the best model, promote it behind a gate');
  const needed = ['model', 'verify', 'lineage', 'report'];
  if (!ctx.best || !needed.every((c) => n.has(c))) {
    n.skip(!ctx.best ? 'the registry part needs the best experiment of the earlier part' : `not built yet: cairn ${needed.filter((c) => !n.has(c)).join(', ')}`);
    ctx.summary.push('registry: skipped');
    return;
  }
  appendFileSync(path.join(repo, 'cairn.yaml'), ARTIFACTS);
  n.say(`declared the model in cairn.yaml (artifacts: ${MODEL}, path model/model.json) and committed the applied ${ctx.best.name}`);
  n.git(repo, ['add', '-A']);
  n.git(repo, ['commit', '-q', '-m', `best experiment: ${ctx.best.name}`]);
  const runs = JSON.parse(n.cairn(repo, ['runs', 'list', '--filter', `attributes.run_name = '${ctx.best.name}'`, '--json'], { silent: true }).stdout).runs;
  const runId = runs[0]?.info.run_id;
  if (!runId) throw new Error(`no run recorded for the experiment ${ctx.best.name}`);

  n.cairn(repo, ['model', 'register', MODEL, '--run', runId]);
  const version = JSON.parse(n.cairn(repo, ['model', 'show', MODEL, '--json'], { silent: true }).stdout);
  const latest = version.latest?.version ?? version.versions?.at(-1)?.version ?? version.models?.[0]?.latest?.version;
  if (!/^v0\.0\.1$/.test(String(latest))) throw new Error(`expected the first version to be v0.0.1, got ${JSON.stringify(version).slice(0, 300)}`);
  n.ok(`${MODEL}@v0.0.1 is an annotated Git tag on that commit, with the model's oid, the run and its metrics in its message`);

  // The bars: one just above the F1 this model got (refused), and the team's usual one (0.9, lower on a tiny corpus).
  const above = Math.round((ctx.best.f1 + 0.01) * 10000) / 10000;
  const bar = Math.min(0.9, Math.floor(ctx.best.f1 * 20) / 20);
  const strict = n.cairn(repo, ['model', 'promote', MODEL, 'v0.0.1', '--to', 'prod', '--if', `metrics.f1 >= ${above}`], { allowFail: true });
  if (strict.code !== 14) throw new Error(`a gate the model fails must refuse the promotion with exit 14, got ${strict.code}`);
  n.ok('refused: the gate names the failing term and the value it saw (exit 14), and no tag was written');
  n.cairn(repo, ['model', 'promote', MODEL, 'v0.0.1', '--to', 'prod', '--if', `metrics.f1 >= ${bar} and metrics.test_mails > 0`]);
  n.cairn(repo, ['model', 'show', MODEL]);
  n.git(repo, ['tag', '--list', `${MODEL}*`]);
  n.ok('two tags are the whole registry: GTO reads them too, and clones and forks carry them');

  n.section('Prove it reproduces, bundle it, trace it');
  n.cairn(repo, ['verify', `${MODEL}@v0.0.1`]);
  n.ok('rebuilt from its commit in a separate worktree with the run cache off: every output has the recorded bytes');
  const bundle = path.join(ctx.base, `${MODEL}-v0.0.1.tar.gz`);
  n.cairn(repo, ['model', 'bundle', `${MODEL}@v0.0.1`, '-o', bundle]);
  n.run(repo, 'tar', ['tzf', bundle], { display: `tar tzf ${path.basename(bundle)}` });
  if (!existsSync(bundle)) throw new Error('the bundle was not written');
  n.cairn(repo, ['lineage', `${MODEL}@v0.0.1`]);
  n.ok('the chain from the model back to the mails it was trained on: stages, commands, params, data versions, the run');

  n.section('The report a pull request would get: from the first commit to the last');
  const first = n.git(repo, ['rev-list', '--max-parents=0', 'HEAD'], { silent: true }).stdout.trim();
  n.cairn(repo, ['report', '--rev', first.slice(0, 12), '--md']);
  ctx.summary.push(`registry: ${MODEL}@v0.0.1 registered from ${ctx.best.name}, promoted to prod behind a gate (a stricter one refused), verified to reproduce, bundled, traced, reported`);
  ctx.registered = { model: MODEL, version: 'v0.0.1', runId, bundle: readFileSync(bundle).length };
}
