#!/usr/bin/env node
// cairn's benchmarks: measures cairn next to git, git-lfs, cp, rsync, openssl and a naive S3 loop IN ONE RUN on
// generated data, prints a table of ratios against the targets of the issues, and with --record appends it to
// docs/benchmarks.md. Sections run only when their commands exist in the built CLI.
//   npm run bench [-- --record] [-- --only data,remote,pipeline,tracking,clients,startup,experiments,server,postgres,ui,ui-charts,storage,packs,slurm]     BENCH_SCALE=0.1 for a quick try
import { execSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, benchEnv, snapshotBuild } from './harness.mjs';
import { benchBigFile, benchSmallFiles, benchStartup } from './dataBench.mjs';
import { benchRemotes } from './remoteBench.mjs';
import { benchPipelines } from './pipelineBench.mjs';
import { benchTracking } from './trackingBench.mjs';
import { benchClients } from './clientsBench.mjs';
import { formatTable } from './table.mjs';
import { benchExperiments } from './expBench.mjs';
import { benchPostgres } from './postgresBench.mjs';
import { benchServer } from './serverBench.mjs';
import { benchUi } from './uiBench.mjs';
import { benchUiCharts } from './uiChartsBench.mjs';
import { benchStorage } from './storageBench.mjs';
import { benchPacks } from './packsBench.mjs';
import { benchSlurm } from './slurmBench.mjs';

const SECTIONS = ['startup', 'data', 'remote', 'pipeline', 'tracking', 'clients', 'experiments', 'server', 'postgres', 'ui', 'ui-charts', 'storage', 'packs', 'slurm'];

function parseArgs(argv) {
  const opts = { record: false, only: SECTIONS };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--record') opts.record = true;
    else if (argv[i] === '--only') {
      opts.only = String(argv[++i] ?? '').split(',').filter(Boolean);
      const bad = opts.only.filter((s) => !SECTIONS.includes(s));
      if (bad.length || !opts.only.length) throw new Error(`--only takes a comma-separated list of: ${SECTIONS.join(', ')}`);
    } else throw new Error(`unknown option ${argv[i]} (options: --record, --only ${SECTIONS.join(',')})`);
  }
  return opts;
}

function machine() {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  let fsType = '';
  try {
    fsType = execSync(`stat -f -c %T ${JSON.stringify(os.tmpdir())}`, { encoding: 'utf8' }).trim();
  } catch { /* not Linux */ }
  const git = execSync('git --version', { encoding: 'utf8' }).trim();
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}, `
    + `temp folder on ${fsType || 'unknown fs'}, Node.js ${process.version}, ${git}`;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(2);
}
const scale = Number(process.env.BENCH_SCALE ?? '1');
if (!(scale > 0 && scale <= 10)) {
  process.stderr.write(`bench: BENCH_SCALE must be a number in (0, 10], got ${process.env.BENCH_SCALE}\n`);
  process.exit(2);
}
if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('bench: cairn is not built; run `npm run bench` (which builds first) or `npm run build`\n');
  process.exit(1);
}

const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'cairn-bench-'));
const cleanup = () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});
const home = path.join(dir, 'home');
mkdirSync(home);
const env = benchEnv(home);
const rows = [];
const log = (message) => process.stderr.write(`[bench] ${message}\n`);
const ctx = { env, dir, scale, rows, log };
const started = Date.now();
const loadBefore = os.loadavg()[0];
const failures = [];
/** Runs one measurement group; a failure is reported and recorded, and the other groups still run. */
function attempt(name, fn) {
  try {
    const result = fn();
    // Async groups report their own failure through the returned promise.
    return result instanceof Promise ? result.catch((err) => fail(name, err)) : result;
  } catch (err) {
    return fail(name, err);
  }
}
function fail(name, err) {
  failures.push(`${name}: ${err.message.split('\n').slice(0, 2).join(' ')}`);
  log(`${name} failed: ${err.message}`);
  return undefined;
}
try {
  log(`scale ${scale}, working in ${dir}`);
  snapshotBuild(dir);
  if (opts.only.includes('startup')) await attempt('start-up', () => rows.push(...benchStartup(ctx)));
  let small;
  if (opts.only.includes('data')) {
    small = await attempt('small files', () => benchSmallFiles(ctx));
    await attempt('big file', () => benchBigFile(ctx));
  }
  if (opts.only.includes('remote')) await attempt('remotes', () => benchRemotes(ctx, small));
  if (opts.only.includes('pipeline')) benchPipelines(ctx, (name, fn) => attempt(name, fn));
  if (opts.only.includes('tracking')) benchTracking(ctx, (name, fn) => attempt(name, fn));
  if (opts.only.includes('clients')) attempt('clients', () => benchClients(ctx));
  if (opts.only.includes('experiments')) await attempt('experiments', () => benchExperiments(ctx));
  if (opts.only.includes('server')) await attempt('server', () => benchServer(ctx, (name, fn) => attempt(name, fn)));
  if (opts.only.includes('postgres')) await attempt('postgres', () => benchPostgres(ctx, (name, fn) => attempt(name, fn)));
  if (opts.only.includes('ui')) await attempt('ui', () => benchUi(ctx, (name, fn) => attempt(name, fn)));
  if (opts.only.includes('ui-charts')) await attempt('ui-charts', () => benchUiCharts(ctx));
  if (opts.only.includes('storage')) await attempt('storage', () => benchStorage(ctx));
  if (opts.only.includes('packs')) await attempt('packs', () => benchPacks(ctx));
  if (opts.only.includes('slurm')) await attempt('slurm', () => benchSlurm(ctx, (name, fn) => attempt(name, fn)));
} finally {
  cleanup();
}

const only = opts.only.length < SECTIONS.length ? `, only ${opts.only.join(', ')}` : '';
const title = `${new Date().toISOString().slice(0, 10)} — scale ${scale}${only}${failures.length ? ' (incomplete: see the notes)' : ''}`;
const table = formatTable(rows);
const notes = [
  `Machine: ${machine()}.`,
  'Every measurement runs warm: data is generated (or copied) just before it is measured, so it sits in the page cache; '
    + 'cheap measurements take the median of several runs after one untimed warm-up, expensive ones (add, push, pull, checkout) run once. '
    + 'Page caches are not dropped (that needs root and would not be reliable in a container).',
  'ratio = cairn time / baseline time (lower is better); "×" rows are speed-ups (higher is better); absolute rows are times.',
  `Run took ${Math.round((Date.now() - started) / 1000)} s. Load average (1 min) ${loadBefore.toFixed(1)} at the start and `
    + `${os.loadavg()[0].toFixed(1)} at the end on ${os.cpus().length} cores: other work on the machine slows cairn and baselines alike, `
    + 'but parallel measurements (-j, hashing on every core) suffer most.',
  ...failures.map((f) => `Failed, so missing from the table: ${f}`),
];
process.stdout.write(`\n## ${title}\n\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
if (opts.record) {
  appendFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), `\n## ${title}\n\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
  log('appended to docs/benchmarks.md');
}
process.exitCode = failures.length ? 1 : 0;
