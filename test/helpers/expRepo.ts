import { sh, writeTree } from './cli.js';
import { cairnRepo } from './dataRepo.js';

/** A training script (Python standard library) whose score depends on train.lr and train.depth, so grids differ. */
export const TRAIN_PY = `import json, re, time, os
text = open("params.yaml").read()
lr = float(re.search(r"lr: ([0-9.e-]+)", text).group(1))
depth = int(re.search(r"depth: (\\d+)", text).group(1))
time.sleep(float(os.environ.get("TRAIN_SLEEP", "0")))
score = round(1 - abs(lr - 0.05) - abs(depth - 4) * 0.1, 4)
json.dump({"score": score, "loss": round(1 - score, 4)}, open("metrics.json", "w"))
open("model.txt", "w").write(f"model lr={lr} depth={depth}\\n")
print("trained", lr, depth, score)
`;

export const PARAMS_YAML = '# training\ntrain:\n  lr: 0.1 # learning rate\n  depth: 3\n';

export const PIPELINE_YAML = `stages:
  train:
    cmd: python3 train.py
    deps: [train.py]
    params: [train.lr, train.depth]
    outs: [model.txt]
    metrics:
      - metrics.json:
          cache: false
`;

/** A cairn repo with a one-stage training pipeline, reproduced and committed: the baseline of experiments. */
export async function expRepo() {
  const repo = await cairnRepo();
  writeTree(repo.dir, { 'params.yaml': PARAMS_YAML, 'train.py': TRAIN_PY, 'cairn.yaml': PIPELINE_YAML });
  const r = await repo.run(['repro']);
  if (r.code !== 0) throw new Error(`repro failed: ${r.stderr}`);
  sh(repo.dir, 'git add -A && git commit -q -m baseline', repo.env);
  return repo;
}
