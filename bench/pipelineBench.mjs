// Issue 4 measurements: no-op repro of a 200-stage pipeline, -j 2 speed-up, per-stage overhead.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cairn, generateFiles, hasCommand, human, medianOf, row, sh, timed, newCairnRepo } from './harness.mjs';

/** cairn.yaml text for a long chain and a wide fan-out, every stage depending on the big data folder. */
function wideAndLongPipeline(chain, fan) {
  const lines = ['stages:'];
  for (let i = 0; i < chain; i++) {
    lines.push(`  chain${i}:`, `    cmd: echo ${i} > out/chain${i}.txt`, '    deps:', '      - data');
    if (i > 0) lines.push(`      - out/chain${i - 1}.txt`);
    lines.push('    outs:', `      - out/chain${i}.txt`);
  }
  for (let i = 0; i < fan; i++) {
    lines.push(`  fan${i}:`, `    cmd: echo ${i} > out/fan${i}.txt`, '    deps:', '      - data', '    outs:', `      - out/fan${i}.txt`);
  }
  return lines.join('\n') + '\n';
}

/** Loop iterations that take about `seconds` of one core in a fresh node process, measured on this machine. */
function calibrateBusyLoop(dir, env, seconds) {
  const probe = 2e8;
  const t = timed(dir, process.execPath, ['-e', `let x=0;for(let i=0;i<${probe};i++)x+=i%7;`], env).seconds;
  return Math.max(1e7, Math.round((probe * seconds) / Math.max(t, 0.05)));
}

/** Runs each pipeline measurement on its own, so one failing does not hide the others. */
export function benchPipelines(ctx, attempt) {
  if (!hasCommand('repro', ctx.env)) {
    ctx.log('pipelines: `cairn repro` not built yet, skipped');
    return;
  }
  attempt('no-op repro', () => benchNoop(ctx));
  attempt('parallel repro', () => benchParallel(ctx));
  attempt('per-stage overhead', () => benchOverhead(ctx));
}

function benchNoop({ env, dir, scale, rows, log }) {
  const files = Math.max(500, Math.round(10_000 * scale));
  const repo = newCairnRepo(dir, 'pipe-wide', env);
  log(`pipelines: 200 stages over a ${human(files)}-file folder`);
  generateFiles(path.join(repo, 'data'), files, 1024);
  mkdirSync(path.join(repo, 'out'));
  writeFileSync(path.join(repo, 'cairn.yaml'), wideAndLongPipeline(100, 100));
  cairn(repo, ['repro', '-q'], env);
  sh(repo, 'git add -A && git commit -q -m pipeline', env);
  const noop = medianOf(3, () => cairn(repo, ['repro', '-q'], env).seconds);
  const gitStatus = medianOf(3, () => sh(repo, 'git status --porcelain >/dev/null', env).seconds);
  rows.push(row({ section: 'pipeline', name: `no-op \`cairn repro\`, 200 stages (chain of 100 + fan-out of 100), deps on ${human(files)} files (median of 3)`, cairnSeconds: noop, kind: 'absolute', target: 1 }));
  rows.push(row({ section: 'pipeline', name: 'the same no-op `cairn repro`', cairnSeconds: noop, baseline: '`git status` on the same tree', baselineSeconds: gitStatus }));
}

function benchParallel({ env, dir, scale, rows, log }) {
  const par = newCairnRepo(dir, 'pipe-parallel', env);
  const iterations = calibrateBusyLoop(dir, env, Math.max(0.5, 2 * Math.min(1, scale * 2)));
  const busy = (name) => [`  ${name}:`, `    cmd: node -e "let x=0;for(let i=0;i<${iterations};i++)x+=i%7;require('fs').writeFileSync('${name}.out',String(x))"`,
    '    outs:', `      - ${name}.out`];
  writeFileSync(path.join(par, 'cairn.yaml'), ['stages:', ...busy('left'), ...busy('right')].join('\n') + '\n');
  log('pipelines: two CPU-bound stages with -j 1 and -j 2');
  const j1 = medianOf(1, () => cairn(par, ['repro', '-q', '-f', '--no-run-cache', '-j', '1'], env).seconds);
  const j2 = medianOf(1, () => cairn(par, ['repro', '-q', '-f', '--no-run-cache', '-j', '2'], env).seconds);
  rows.push(row({ section: 'pipeline', name: '`cairn repro -j 2`, two CPU-bound independent stages', cairnSeconds: j2, baseline: '`cairn repro -j 1`', baselineSeconds: j1, kind: 'speedup', target: 1.8 }));
}

function benchOverhead({ env, dir, rows, log }) {
  const trivial = newCairnRepo(dir, 'pipe-trivial', env);
  const count = 50;
  const stages = ['stages:'];
  for (let i = 0; i < count; i++) stages.push(`  t${i}:`, '    cmd: "true"', '    always_changed: true');
  writeFileSync(path.join(trivial, 'cairn.yaml'), stages.join('\n') + '\n');
  log(`pipelines: ${count} trivial stages (\`true\`)`);
  const runAll = medianOf(3, () => cairn(trivial, ['repro', '-q', '-j', '1'], env).seconds);
  // --dry does everything but run the commands: loading, planning, printing. What remains is the per-stage cost.
  const dry = medianOf(3, () => cairn(trivial, ['repro', '-q', '--dry', '-j', '1'], env).seconds);
  // The executor runs each command through /bin/sh, so that is the floor a stage cannot go below.
  const shell = medianOf(9, () => timed(trivial, '/bin/sh', ['-c', 'true'], env).seconds);
  rows.push(row({
    section: 'pipeline',
    name: `time per trivial stage: (repro − repro --dry) / ${count} always-changed \`true\` stages; result = cairn's overhead`,
    cairnSeconds: (runAll - dry) / count, baseline: '`/bin/sh -c true` spawned from node', baselineSeconds: shell,
    kind: 'absolute', overhead: true, target: 0.05, unit: 'ms',
  }));
}
