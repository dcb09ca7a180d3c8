// Shared pieces of the benchmarks: an isolated environment, timed child processes, generated data, and result rows.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let cairnBin = path.join(ROOT, 'bin', 'cairn.js');

/**
 * Copies the built CLI (bin/, dist/, package.json; node_modules linked) into `dir` and measures that copy from now on,
 * so a rebuild of the working tree during a long run (others keep working) cannot change what is measured mid-way.
 */
export function snapshotBuild(dir) {
  const snap = path.join(dir, 'cairn-build');
  mkdirSync(snap, { recursive: true });
  for (const part of ['bin', 'dist']) cpSync(path.join(ROOT, part), path.join(snap, part), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(snap, 'package.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(snap, 'node_modules'));
  cairnBin = path.join(snap, 'bin', 'cairn.js');
  return snap;
}

/** The cairn entry point being measured (the snapshot once snapshotBuild ran), for benchmarks that spawn it themselves. */
export function cairnBinPath() {
  return cairnBin;
}

/** An environment that never reads the user's own Git or cairn settings (HOME points into the bench folder). */
export function benchEnv(home) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('CAIRN_') || key.startsWith('GIT_')) delete env[key];
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    NO_COLOR: '1',
  };
}

/** Runs a command to completion and returns its wall time in seconds; throws with its output when it fails. */
export function timed(cwd, program, args, env, { allowFail = false } = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(program, args, { cwd, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error) throw new Error(`${program} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) {
    throw new Error(`\`${program} ${args.join(' ')}\` in ${cwd} failed (${r.status}):\n${(r.stderr || '').slice(-2000)}${(r.stdout || '').slice(-1000)}`);
  }
  return { seconds, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const sh = (cwd, script, env) => timed(cwd, 'bash', ['-c', script], env);
export const cairn = (cwd, args, env, options) => timed(cwd, process.execPath, [cairnBin, ...args], env, options);

/** A fresh Git repository (with an empty first commit) where `cairn init` ran: `dir/name`. */
export function newCairnRepo(dir, name, env) {
  const repo = path.join(dir, name);
  mkdirSync(repo);
  sh(repo, 'git init -q -b main . && git commit -q --allow-empty -m init', env);
  cairn(repo, ['init', '-q'], env);
  return repo;
}

/** Median wall time of `runs` runs after one untimed warm-up run (caches warm, as every row of the table). */
export function medianOf(runs, fn, { warm = true } = {}) {
  if (warm) fn();
  const times = [];
  for (let i = 0; i < runs; i++) times.push(fn());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Whether the built CLI has a command (`cairn help <name>` exits 0 only for known commands). */
export function hasCommand(name, env) {
  return spawnSync(process.execPath, [cairnBin, 'help', name], { env, encoding: 'utf8' }).status === 0;
}

/** Writes `count` distinct files of `size` bytes below `dir`, 1,000 per sub-folder, from one random pool. */
export function generateFiles(dir, count, size) {
  const pool = randomBytes(size * 64 + 4096);
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `d${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    const buf = Buffer.allocUnsafe(size);
    pool.copy(buf, 0, (i * 131) % (pool.length - size), (i * 131) % (pool.length - size) + size);
    // A counter in the first bytes makes every file's content (and so its oid) unique.
    buf.writeUInt32LE(i, 0);
    const fd = openSync(path.join(sub, `f${i}.bin`), 'w');
    writeSync(fd, buf);
    closeSync(fd);
  }
}

/** Writes one file of `bytes` random bytes (incompressible, like a trained model's weights). */
export function generateBigFile(file, bytes) {
  mkdirSync(path.dirname(file), { recursive: true });
  const chunk = randomBytes(8 * 1024 * 1024);
  const fd = openSync(file, 'w');
  for (let done = 0, n = 0; done < bytes; n++) {
    const len = Math.min(chunk.length, bytes - done);
    chunk.writeUInt32LE(n, 0);
    writeSync(fd, chunk, 0, len);
    done += len;
  }
  closeSync(fd);
}

/** One row of the table. `kind`: ratio (cairn/baseline ≤ target), speedup (baseline/cairn ≥ target), or absolute (s ≤ target;
 * with `overhead`, cairn − baseline ≤ target). */
export function row({ section, name, cairnSeconds, baseline, baselineSeconds, kind = 'ratio', target, unit = 's', note, overhead }) {
  let value = null;
  let pass = null;
  if (kind === 'ratio' && baselineSeconds) value = cairnSeconds / baselineSeconds;
  if (kind === 'speedup' && cairnSeconds) value = baselineSeconds / cairnSeconds;
  // An absolute row with a baseline reports the difference (cairn's overhead over the baseline), when asked to.
  if (kind === 'absolute') value = overhead ? cairnSeconds - baselineSeconds : cairnSeconds;
  if (value !== null && target !== undefined) pass = kind === 'speedup' ? value >= target : value <= target;
  return { section, name, cairnSeconds, baseline, baselineSeconds, kind, target, unit, value, pass, note };
}

export function human(count) {
  return count >= 1e6 ? `${+(count / 1e6).toFixed(1)}M` : count >= 1000 ? `${+(count / 1000).toFixed(1)}k` : String(count);
}

export function bytesHuman(bytes) {
  return bytes >= 2 ** 30 ? `${+(bytes / 2 ** 30).toFixed(2)} GiB` : `${+(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** The built code being measured: the snapshot run.mjs made, else the working tree's dist/. */
export function distDir(dir) {
  const snap = path.join(dir, 'cairn-build', 'dist');
  return existsSync(snap) ? snap : path.join(ROOT, 'dist');
}

/**
 * Seeds `count` finished runs into experiment 0 of the SQLite store `file`, two metrics, two params and two tags
 * each: through the store's own schema (opening it runs the migrations), then rows in bulk, since logging 100k runs
 * one by one would measure logging, not search.
 */
export function seedRuns({ env, dir }, file, count) {
  const seed = path.join(dir, 'seed-runs.mjs');
  writeFileSync(seed, `
    import { SqliteTrackingStore } from ${JSON.stringify(path.join(distDir(dir), 'tracking', 'sqlite', 'sqliteTrackingStore.js'))};
    const store = SqliteTrackingStore.open({ file: ${JSON.stringify(file)} });
    const db = store.connection;
    db.transaction(() => {
      const run = db.prepare("INSERT INTO runs (run_id, experiment_id, run_name, user_id, status, start_time, end_time, artifact_uri) VALUES (?, 0, ?, 'bench', 'FINISHED', ?, ?, 'mlflow-artifacts:/0')");
      const metric = db.prepare('INSERT INTO latest_metrics VALUES (?, ?, ?, 0, 0, 1)');
      const param = db.prepare('INSERT INTO params VALUES (?, ?, ?)');
      const tag = db.prepare('INSERT INTO tags VALUES (?, ?, ?)');
      for (let i = 0; i < ${count}; i++) {
        const id = Number(run.run(i.toString(16).padStart(32, '0'), 'run-' + i, 1e12 + i * 1000, 1e12 + i * 1000 + 5000).lastInsertRowid);
        metric.run(id, 'acc', (i * 7919 % 1000) / 1000);
        metric.run(id, 'loss', (i * 104729 % 1000) / 1000);
        param.run(id, 'opt', i % 3 ? 'adam' : 'sgd');
        param.run(id, 'lr', String(10 ** -(i % 4)));
        tag.run(id, 'team', 'team-' + (i % 7));
        tag.run(id, 'mlflow.runName', 'run-' + i);
      }
    })();
    await store.close();
  `);
  timed(dir, process.execPath, [seed], env);
}
