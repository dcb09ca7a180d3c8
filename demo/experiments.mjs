// The demo's experiments part: a small grid over the pipeline, the table, a diff of the best two, applying the best,
// a plots page, the runs recorded on the way, and a script outside any pipeline tracked through the Python client.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The experiments of `exp show --json`, best F1 first. */
function ranked(n, repo) {
  const rows = JSON.parse(n.cairn(repo, ['exp', 'show', '--json'], { silent: true }).stdout);
  return rows.filter((r) => r.kind === 'experiment').map((r) => ({ name: r.label, f1: r.metrics['metrics.json']?.f1 ?? -1 })).sort((a, b) => b.f1 - a.f1);
}

export async function experiments(ctx) {
  const { n, repo, root } = ctx;
  n.section('Experiments: a grid of parameters, each run in its own copy of the workspace');
  if (!ctx.pipelineRan || !n.has('exp')) {
    n.skip(!ctx.pipelineRan ? 'experiments need the pipeline of the earlier part' : 'experiments not built yet');
    ctx.summary.push('experiments: skipped');
    return;
  }
  n.say('2 smoothing values × 2 vocabulary sizes = 4 experiments, 2 at a time; your files stay as they are');
  n.cairn(repo, ['exp', 'run', '-S', 'train.alpha=0.1,1.0', '-S', 'train.vocab_size=1000,5000', '-j', '2']);
  n.say('(alpha 1.0 with 5000 tokens is the committed pipeline, already up to date; alpha 1.0 with 1000 tokens ran before, in part 7: restored from the run cache)');
  n.cairn(repo, ['exp', 'show', '--sort-by', 'metrics.f1', '--only-changed']);
  const [best, second] = ranked(n, repo);
  if (!best || !second) throw new Error('the grid did not leave four experiments');
  n.cairn(repo, ['exp', 'diff', second.name, best.name]);
  n.section(`Keep the best: apply ${best.name} to the workspace`);
  n.cairn(repo, ['exp', 'apply', best.name]);
  n.git(repo, ['diff', '--stat']);
  n.cairn(repo, ['status']);
  n.ok(`params, code, cairn.lock and the trained model of ${best.name} are in the workspace (F1 ${best.f1}); nothing was committed`);
  ctx.best = best;

  if (n.has('plots')) {
    const page = path.join(repo, 'plots.html');
    n.cairn(repo, ['plots', 'diff', 'HEAD', '-o', 'plots.html']);
    const html = readFileSync(page, 'utf8');
    if (/<script[^>]+src=|<link[^>]+href=["']https?:/.test(html)) throw new Error('plots.html loads something from the network');
    n.ok(`plots.html (${Math.round(statSync(page).size / 1024)} KiB): the confusion matrix and precision-recall curve of HEAD and of ${best.name}, one self-contained file`);
  }

  n.section('Every run was recorded, with no code: cairn runs');
  n.cairn(repo, ['runs', 'list', '-n', '8']);
  n.say('(a run per experiment, and one per stage that ran, with params, metrics, data versions, logs and environment)');

  n.section('A script outside any pipeline, tracked through the Python client');
  const script = path.join(repo, 'explore.py');
  writeFileSync(script, [
    '# Exploration outside the pipeline: how does the vocabulary size change the model file? (standard library only)',
    'import json, cairn',
    'with cairn.start_run(name="vocab-sizes"):',
    '    cairn.log_param("source", "model/model.json")',
    '    model = json.load(open("model/model.json"))',
    '    for step, k in enumerate(sorted(model)):',
    '        value = model[k]',
    '        cairn.log_metric("entries", len(value) if hasattr(value, "__len__") else 1, step=step)',
    '    cairn.set_tag("kind", "exploration")',
    '',
  ].join('\n'));
  // Outside a stage the client needs to be importable: `pip install` of the wheel cairn builds, or its folder on PYTHONPATH.
  const env = { PYTHONPATH: path.join(root, 'clients', 'python'), CAIRN_BIN: path.join(root, 'bin', 'cairn.js') };
  n.run(repo, 'env', [`PYTHONPATH=${env.PYTHONPATH}`, `CAIRN_BIN=${env.CAIRN_BIN}`, 'python3', 'explore.py'], { display: 'PYTHONPATH=clients/python python3 explore.py' });
  const runs = n.cairn(repo, ['runs', 'list', '--filter', "tags.kind = 'exploration'"]);
  if (!/vocab-sizes/.test(runs.stdout)) throw new Error('the script\'s run is not in cairn runs list');
  n.ok('the script\'s run is in the same store, found by a filter');
  ctx.summary.push(`experiments: a grid of 4 (the committed combination up to date, one restored from the run cache), best ${best.name} (F1 ${best.f1}) applied, plots.html, runs recorded, a script tracked`);
}
