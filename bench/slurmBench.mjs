// Issue 13 measurements on a private one-node Slurm cluster (the tests' helper): cairn's overhead per stage beyond
// the scheduler's own latency (bare sbatch + squeue polling, in the same run), and a 100-experiment grid submitted.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, cairn, cairnBinPath, medianOf, newCairnRepo, row, sh } from './harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function startBenchSlurm(ctx) {
  if (spawnSync('slurmctld', ['-V']).status !== 0) {
    ctx.log('slurm: slurmctld is not installed (bash scripts/setup.sh test installs it), skipped');
    return null;
  }
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  const { startSlurm } = await import(pathToFileURL(path.join(ROOT, 'test', 'helpers', 'slurm.ts')).href);
  unregister();
  return startSlurm();
}

/** `count` bare `sbatch --wrap true` jobs submitted at once, then squeue polled (as cairn does) until all ended. */
async function bareBatch(dir, env, count) {
  const start = process.hrtime.bigint();
  const ids = [];
  for (let i = 0; i < count; i++) {
    const r = spawnSync('sbatch', ['--parsable', `--chdir=${dir}`, '--output=/dev/null', '--wrap', 'true'], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sbatch failed: ${r.stderr}`);
    ids.push(r.stdout.trim());
  }
  for (;;) {
    const q = spawnSync('squeue', ['-h', '-t', 'PD,R,CG', '-j', ids.join(','), '-o', '%i'], { env, encoding: 'utf8' });
    if (q.status === 0 && q.stdout.trim() === '') break;
    await sleep(150);
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function benchSlurm(ctx, attempt) {
  const cluster = await startBenchSlurm(ctx);
  if (!cluster) return;
  try {
    const env = { ...ctx.env, ...cluster.env };
    // The first job after start-up waits about 3 s to be scheduled: one warm-up job first.
    await bareBatch(ctx.dir, env, 1);
    await attempt('slurm: per-stage overhead', () => benchOverhead(ctx, env));
    await attempt('slurm: 100-experiment grid', () => benchGrid(ctx, env, cluster));
  } finally {
    await cluster.stop();
  }
}

async function benchOverhead({ dir, rows, log }, env) {
  const count = 20;
  const repo = newCairnRepo(dir, 'slurm-trivial', env);
  writeFileSync(path.join(repo, 'cairn.yaml'), ['stages:', ...Array.from({ length: count }, (_, i) => [`  t${i}:`, '    cmd: "true"', '    always_changed: true']).flat()].join('\n') + '\n');
  log(`slurm: ${count} trivial stages as jobs, and ${count} bare sbatch jobs`);
  const runs = [];
  const bares = [];
  // Alternating cairn and bare batches, so load on the machine hits both alike.
  for (let i = 0; i < 3; i++) {
    runs.push(cairn(repo, ['repro', '-q', '--executor', 'slurm', '--no-record'], env).seconds);
    bares.push(await bareBatch(repo, env, count));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // --dry does everything but submit: start-up, loading, planning. What remains beyond bare sbatch is per stage.
  const dry = medianOf(3, () => cairn(repo, ['repro', '-q', '--dry'], env).seconds);
  rows.push(row({
    section: 'slurm',
    name: `time per stage on Slurm: (repro --executor slurm − repro --dry) / ${count} always-changed \`true\` stages (median of 3); result = cairn's overhead`,
    cairnSeconds: (median(runs) - dry) / count, baseline: `${count} bare \`sbatch --wrap true\` + squeue polling, per job`, baselineSeconds: median(bares) / count,
    kind: 'absolute', overhead: true, target: 0.1, unit: 'ms',
  }));
}

async function benchGrid({ dir, rows, log }, env, cluster) {
  const repo = newCairnRepo(dir, 'slurm-grid', env);
  writeFileSync(path.join(repo, 'params.yaml'), 'train:\n  lr: 0\n  depth: 0\n');
  writeFileSync(path.join(repo, 'cairn.yaml'), 'stages:\n  train:\n    cmd: cat params.yaml > model.txt\n    params: [train.lr, train.depth]\n    outs: [model.txt]\n');
  cairn(repo, ['repro', '-q'], env);
  sh(repo, 'git add -A && git commit -q -m baseline', env);
  cairn(repo, ['exp', 'run', '--queue', '-q', '-S', 'train.lr=range(0,10)', '-S', 'train.depth=range(0,10)'], env);
  log('slurm: submitting 100 queued experiments');
  const child = spawn(process.execPath, [cairnBinPath(), 'queue', 'start', '--executor', 'slurm'], { cwd: repo, env });
  let stderr = '';
  let submitted = 0;
  const start = process.hrtime.bigint();
  let seconds = null;
  const closed = new Promise((resolve) => child.on('close', resolve));
  child.stderr.on('data', (d) => {
    stderr += d;
    submitted = (stderr.match(/^submitted \S+ as slurm job/gm) ?? []).length;
    if (submitted >= 100 && seconds === null) seconds = Number(process.hrtime.bigint() - start) / 1e9;
  });
  for (let i = 0; i < 600 && seconds === null; i++) await sleep(50);
  // Only submission is measured: the grid is cancelled rather than run (Ctrl-C cancels every job cairn submitted).
  child.kill('SIGINT');
  await closed;
  await cluster.drain(60_000);
  if (seconds === null) throw new Error(`only ${submitted} of 100 experiments were submitted in 30 s:\n${stderr.slice(-1000)}`);
  rows.push(row({ section: 'slurm', name: '`cairn queue start --executor slurm` of a 100-experiment grid: until all 100 are submitted', cairnSeconds: seconds, kind: 'absolute', target: 5 }));
}
