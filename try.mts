import { startSlurm } from '/work/wt-slurm/test/helpers/slurm.ts';
import { cairn, tempGitRepo, writeTree } from '/work/wt-slurm/test/helpers/cli.ts';
const c = await startSlurm();
const repo = tempGitRepo();
try {
  const env = { ...repo.env, ...c.env };
  console.log((await cairn(repo.dir, ['init'], env)).code);
  writeTree(repo.dir, { 'in.txt': 'x\n', 'cairn.yaml': `stages:
  a:
    cmd: echo a-$(cat in.txt) > a.out && echo hello from a
    deps: [in.txt]
    outs: [a.out]
  b:
    cmd: echo b > b.out; hostname
    deps: [in.txt]
    outs: [b.out]
  c:
    cmd: cat a.out b.out > c.out
    deps: [a.out, b.out]
    outs: [c.out]
` });
  let t = Date.now();
  let r = await cairn(repo.dir, ['repro', '--executor', 'slurm'], env);
  console.log(r.code, Date.now() - t, r.stdout, r.stderr);
  t = Date.now();
  r = await cairn(repo.dir, ['repro', '--executor', 'slurm'], env);
  console.log(r.code, Date.now() - t, r.stdout, r.stderr);
} finally { await c.stop(); repo.cleanup(); }
