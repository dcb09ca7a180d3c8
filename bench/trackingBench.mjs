// Issue 7 measurements: events-file ingestion rate against the machine's raw SQLite insert rate (same run), and
// `cairn runs list --filter` over 100,000 runs.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, cairn, hasCommand, human, medianOf, row, seedRuns, sh, timed, newCairnRepo } from './harness.mjs';

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
  seedRuns({ env, dir }, path.join(repo, '.cairn', 'tracking.db'), count);
  const filter = "metrics.acc > 0.9 and params.opt = 'adam'";
  const list = medianOf(3, () => cairn(repo, ['runs', 'list', '--filter', filter, '-n', '20'], env).seconds);
  const ordered = medianOf(3, () => cairn(repo, ['runs', 'list', '--filter', filter, '--order-by', 'metrics.acc DESC', '-n', '20'], env).seconds);
  const version = medianOf(3, () => cairn(repo, ['--version'], env).seconds);
  rows.push(row({ section: 'tracking', name: `\`cairn runs list --filter\` over ${human(count)} runs, first 20 (median of 3)`, cairnSeconds: list, kind: 'absolute', target: 0.3 }));
  rows.push(row({ section: 'tracking', name: 'the same with `--order-by metrics.acc DESC`', cairnSeconds: ordered, kind: 'absolute', target: 0.3 }));
  rows.push(row({ section: 'tracking', name: 'the same `runs list --filter`', cairnSeconds: list, baseline: '`cairn --version` (start-up alone)', baselineSeconds: version }));
}
