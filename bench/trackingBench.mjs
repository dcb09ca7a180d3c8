// Issue 7 measurements: events-file ingestion rate against the machine's raw SQLite insert rate (same run), and
// `cairn runs list --filter` over 100,000 runs.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cairn, hasCommand, human, medianOf, row, sh, timed, newCairnRepo } from './harness.mjs';

/** The built code being measured: the snapshot run.mjs made, else the working tree's dist/. */
function distDir(dir) {
  const snap = path.join(dir, 'cairn-build', 'dist');
  return existsSync(snap) ? snap : path.join(ROOT, 'dist');
}

export function benchTracking(ctx, attempt) {
  if (!hasCommand('runs', ctx.env)) {
    ctx.log('tracking: `cairn runs` not built yet, skipped');
    return;
  }
  attempt('events ingestion', () => benchIngest(ctx));
  attempt('runs list --filter', () => benchRunsList(ctx));
}

function benchIngest({ env, dir, scale, rows, log }) {
  const points = Math.max(20_000, Math.round(1_000_000 * scale));
  const repo = newCairnRepo(dir, 'tracking-ingest', env);
  const runId = 'b'.repeat(32);
  const file = path.join(dir, 'events.jsonl');
  log(`tracking: writing an events file of ${human(points)} metric points`);
  const lines = [JSON.stringify({ run: { id: runId, name: 'bench', start_time: Date.now() } })];
  for (let i = 0; i < points; i++) lines.push(`{"metric": "loss", "value": ${1 / (i + 1)}, "step": ${i}}`);
  writeFileSync(file, lines.join('\n') + '\n');
  log('tracking: cairn runs ingest');
  const ingest = cairn(repo, ['runs', 'ingest', file, '-q'], env).seconds;
  // The machine's limit: the same rows inserted by better-sqlite3 into a plain table in one transaction, in a fresh
  // process (start-up included, as for cairn), on the same disk.
  const raw = timed(dir, process.execPath, ['-e', `
    const Database = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'better-sqlite3'))});
    const db = new Database(${JSON.stringify(path.join(dir, 'raw.db'))});
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE m (run INTEGER, key TEXT, value REAL, timestamp INTEGER, step INTEGER)');
    const ins = db.prepare('INSERT INTO m VALUES (1, ?, ?, ?, ?)');
    const now = Date.now();
    db.transaction(() => { for (let i = 0; i < ${points}; i++) ins.run('loss', 1 / (i + 1), now, i); })();
  `], env).seconds;
  const rate = Math.round(points / ingest);
  rows.push(row({ section: 'tracking', name: `\`cairn runs ingest\` of ${human(points)} metric points (${human(rate)} points/s; target 200k/s)`, cairnSeconds: ingest, kind: 'absolute', target: points / 200_000 }));
  rows.push(row({ section: 'tracking', name: 'the same ingestion', cairnSeconds: ingest, baseline: 'raw SQLite insert of the same rows, one transaction', baselineSeconds: raw }));
}

function benchRunsList({ env, dir, scale, rows, log }) {
  const count = Math.max(2_000, Math.round(100_000 * scale));
  const repo = newCairnRepo(dir, 'tracking-list', env);
  log(`tracking: seeding ${human(count)} runs`);
  // Seeded through the store's own schema (opening it runs the migrations), then rows in bulk: ingesting 100k runs
  // line by line would measure ingestion, not search.
  const seed = path.join(dir, 'seed-runs.mjs');
  writeFileSync(seed, `
    import { SqliteTrackingStore } from ${JSON.stringify(path.join(distDir(dir), 'tracking', 'sqlite', 'sqliteTrackingStore.js'))};
    const store = SqliteTrackingStore.open({ file: ${JSON.stringify(path.join(repo, '.cairn', 'tracking.db'))} });
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
  const filter = "metrics.acc > 0.9 and params.opt = 'adam'";
  const list = medianOf(3, () => cairn(repo, ['runs', 'list', '--filter', filter, '-n', '20'], env).seconds);
  const ordered = medianOf(3, () => cairn(repo, ['runs', 'list', '--filter', filter, '--order-by', 'metrics.acc DESC', '-n', '20'], env).seconds);
  const version = medianOf(3, () => cairn(repo, ['--version'], env).seconds);
  rows.push(row({ section: 'tracking', name: `\`cairn runs list --filter\` over ${human(count)} runs, first 20 (median of 3)`, cairnSeconds: list, kind: 'absolute', target: 0.3 }));
  rows.push(row({ section: 'tracking', name: 'the same with `--order-by metrics.acc DESC`', cairnSeconds: ordered, kind: 'absolute', target: 0.3 }));
  rows.push(row({ section: 'tracking', name: 'the same `runs list --filter`', cairnSeconds: list, baseline: '`cairn --version` (start-up alone)', baselineSeconds: version }));
}
