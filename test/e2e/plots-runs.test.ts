import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cairnRepo } from '../helpers/dataRepo.js';

const RUN_A = 'a'.repeat(32);
const RUN_B = 'b'.repeat(32);

/** An events file for one run with a loss series of `n` points (and an acc series for the first run only). */
function events(id: string, name: string, n: number, acc: boolean): string {
  const lines = [JSON.stringify({ run: { id, name, start_time: 1_700_000_000_000 } })];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ metrics: { loss: 1 / (i + 1), ...(acc ? { acc: i / n } : {}) }, step: i }));
  lines.push(JSON.stringify({ end: { status: 'FINISHED', end_time: 1_700_000_100_000 } }));
  return lines.join('\n') + '\n';
}

describe('cairn plots show --run: metric series of tracked runs', () => {
  it('draws one chart per metric with a line per run, offline, and refuses what it cannot draw', async (t) => {
    const repo = await cairnRepo();
    t.after(() => repo.cleanup());
    writeFileSync(path.join(repo.dir, 'a.jsonl'), events(RUN_A, 'wide', 300, true));
    writeFileSync(path.join(repo.dir, 'b.jsonl'), events(RUN_B, 'narrow', 120, false));
    assert.equal((await repo.run(['runs', 'ingest', 'a.jsonl', 'b.jsonl'])).code, 0);
    const json = await repo.run(['plots', 'show', '--run', 'aaaaaaaa', '--run', RUN_B, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const plots = JSON.parse(json.stdout).plots as Array<{ id: string; series: Array<{ label: string; points: unknown[] }> }>;
    assert.deepEqual(plots.map((p) => p.id), ['metric:acc', 'metric:loss']);
    assert.deepEqual(plots[1].series.map((s) => [s.label, s.points.length]), [['wide (aaaaaaaa)', 300], ['narrow (bbbbbbbb)', 120]]);
    const html = await repo.run(['plots', 'show', '--run', 'aaaaaa', '--run', 'bbbbbb', '--metric', 'loss', '-o', 'runs.html']);
    assert.equal(html.code, 0, html.stderr);
    const page = readFileSync(path.join(repo.dir, 'runs.html'), 'utf8');
    assert.match(page, /wide \(aaaaaaaa\)/);
    assert.match(page, /narrow \(bbbbbbbb\)/);
    assert.doesNotMatch(page.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, ''), /https?:\/\//, 'self-contained');
    const cases: Array<[string[], number, RegExp]> = [
      [['plots', 'show', '--run', 'aaaaaa', '--metric', 'f1'], 4, /no run given has the metric "f1"[\s\S]*acc, loss/],
      [['plots', 'show', '--run', 'cccccc'], 4, /cccccc/],
      [['plots', 'show', '--metric', 'loss'], 2, /--metric goes with --run/],
      [['plots', 'show', 'x.csv', '--run', 'aaaaaa'], 2, /either plot targets or --run/],
    ];
    for (const [args, code, pattern] of cases) {
      const r = await repo.run(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern, args.join(' '));
    }
  });
});
