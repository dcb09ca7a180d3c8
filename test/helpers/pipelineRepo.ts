import { sh, writeTree } from './cli.js';
import { cairnRepo } from './dataRepo.js';

/**
 * A committed two-stage pipeline over added data: `prepare` (data/raw.csv → data/clean.csv) then `train`
 * (data/clean.csv, train.sh, params train.lr → model.txt, metrics.json). With `clock`, train also writes the time
 * into model.txt, so running it again never gives the same bytes. With `plots`, train's loss.csv is a declared plot.
 */
export async function pipelineRepo(options: { clock?: boolean; plots?: boolean } = {}) {
  const repo = await cairnRepo();
  const stamp = options.clock ? ' && date +%s%N >> model.txt' : '';
  writeTree(repo.dir, {
    'data/raw.csv': 'x,y\n1,2\n3,4\n5,6\n',
    'params.yaml': 'train:\n  lr: 0.1\n',
    'train.sh': 'lr=$(grep lr: params.yaml | tr -d " " | cut -d: -f2)\nwc -l < data/clean.csv > model.txt\necho "{\\"acc\\": 0.9, \\"lr\\": $lr}" > metrics.json\nprintf "step,loss\\n0,1\\n1,$lr\\n" > loss.csv\n',
    'cairn.yaml': `stages:
  prepare:
    cmd: grep -v '^x' data/raw.csv > data/clean.csv
    deps: [data/raw.csv]
    outs: [data/clean.csv]
  train:
    cmd: sh train.sh${stamp}
    deps: [data/clean.csv, train.sh]
    params: [train.lr]
    outs: [model.txt]
    metrics:
      - metrics.json:
          cache: false
${options.plots ? `    plots:
      - loss.csv:
          x: step
          y: loss
          cache: false
` : ''}`,
  });
  const add = await repo.run(['add', 'data/raw.csv']);
  if (add.code !== 0) throw new Error(add.stderr);
  const r = await repo.run(['repro']);
  if (r.code !== 0) throw new Error(r.stderr);
  sh(repo.dir, 'git add -A && git commit -qm pipeline', repo.env);
  return repo;
}
