/**
 * A two-stage pipeline whose cached outputs land in cairn.lock: prep writes the folder data/clean from in.txt, train
 * writes model.pkl from it, and metrics.json with `cache: false` (a Git file, never a cached output).
 */
export const TWO_STAGE_PIPELINE = `stages:
  prep:
    cmd: mkdir -p data/clean && cp in.txt data/clean/a.txt && echo b > data/clean/b.txt
    deps: [in.txt]
    outs: [data/clean]
  train:
    cmd: cat data/clean/a.txt data/clean/b.txt > model.pkl && echo 1 > metrics.json
    deps: [data/clean]
    outs:
      - model.pkl
      - metrics.json: {cache: false}
`;
