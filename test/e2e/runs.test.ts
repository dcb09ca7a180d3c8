import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempDir, tempGitRepo, writeTree } from '../helpers/cli.js';

const A = 'a1'.repeat(16);
const B = 'b2'.repeat(16);
const C = 'c3'.repeat(16);
const line = (o: unknown) => JSON.stringify(o) + '\n';

/** A pending events file, as the Python client leaves it after a script run. */
function scriptRun(id: string, o: { name: string; experiment?: string; acc: number; opt: string; status?: string; start: number }): string {
  return [
    line({ run: { id, name: o.name, experiment: o.experiment, start_time: o.start, tags: { 'mlflow.source.name': 'train.py' } } }),
    line({ params: { opt: o.opt, lr: 0.1 } }),
    line({ metric: 'loss', value: 0.9, step: 0 }),
    line({ metrics: { loss: 0.4, acc: o.acc }, step: 1 }),
    line({ end: { status: o.status ?? 'FINISHED', end_time: o.start + 65_000 } }),
  ].join('');
}

describe('cairn runs', () => {
  const repo = tempGitRepo();
  const pending = path.join(repo.dir, '.cairn', 'tracking', 'pending');
  const runs = (...args: string[]) => cairn(repo.dir, ['runs', ...args], repo.env);
  before(async () => {
    await cairn(repo.dir, ['init'], repo.env);
    sh(repo.dir, 'git add -A && git commit -q -m "cairn init"', repo.env);
  });
  after(() => repo.cleanup());

  it('says there are no runs yet in a new repository', async () => {
    const r = await runs('list');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No runs yet.\n');
  });

  it('ingests pending files first, then lists runs newest first within 80 columns', async () => {
    writeTree(pending, {
      [`${A}.jsonl`]: scriptRun(A, { name: 'adam-run', experiment: 'cats', acc: 0.95, opt: 'adam', start: 3_000_000 }),
      [`${B}.jsonl`]: scriptRun(B, { name: 'sgd-run-with-a-rather-long-descriptive-name', experiment: 'cats', acc: 0.85, opt: 'sgd', status: 'FAILED', start: 2_000_000 }),
      [`${C}.jsonl`]: scriptRun(C, { name: 'default-run', acc: 0.5, opt: 'adam', start: 1_000_000 }),
    });
    const r = await runs('list');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^RUN\s+NAME\s+EXPERIMENT\s+STATUS\s+STARTED\s+TOOK$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), [A.slice(0, 8), B.slice(0, 8), C.slice(0, 8)]);
    assert.match(lines[2], /failed .*1m05s$/);
    for (const l of lines) assert.ok(l.length <= 80, `wider than 80 columns: ${l}`);
    assert.deepEqual(readdirSync(pending), [], 'ended pending files are removed once ingested');
    const status = sh(repo.dir, 'git status --porcelain');
    assert.equal(status, '', 'the tracking store and pending files are ignored by Git');
  });

  it('filters and orders with the grammar, showing the keys asked about as columns', async () => {
    const r = await runs('list', '--filter', "metrics.acc > 0.8 and params.opt = 'adam' or run_name = 'default-run'", '--order-by', 'metrics.acc');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /TOOK\s+acc\s+opt$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), [C.slice(0, 8), A.slice(0, 8)]);
    assert.match(lines[2], /0\.95\s+adam$/);
    const byExperiment = await runs('list', '-e', 'cats', '--json');
    assert.deepEqual(JSON.parse(byExperiment.stdout).runs.map((x: { info: { run_id: string } }) => x.info.run_id), [A, B]);
    const none = await runs('list', '--filter', 'metrics.acc > 2');
    assert.equal(none.stdout, 'No runs match.\n');
    const limited = await runs('list', '-n', '1');
    assert.match(limited.stdout, /showing the first 1 run; use -n to see more/);
  });

  it('shows one run by a prefix of its id, with params, metrics, tags, source commit and duration', async () => {
    const r = await runs('show', A.slice(0, 8));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Run ${A}  adam-run\n`));
    assert.match(r.stdout, /experiment +cats \(1\)/);
    assert.match(r.stdout, /took 1m05s/);
    assert.match(r.stdout, /source +train\.py/);
    const head = sh(repo.dir, 'git rev-parse HEAD').trim();
    assert.match(r.stdout, new RegExp(`commit +${head.slice(0, 12)} \\(main\\)`));
    assert.match(r.stdout, /Params\n {2}lr +0\.1\n {2}opt +adam/);
    assert.match(r.stdout, /Metrics \(latest\)\n {2}acc +0\.95 +step 1\n {2}loss +0\.4 +step 1/);
    const json = JSON.parse((await runs('show', A, '--json')).stdout);
    assert.equal(json.duration_ms, 65_000);
    assert.equal(json.experiment_name, 'cats');
    const tags = Object.fromEntries(json.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
    assert.equal(tags['mlflow.source.git.commit'], head);
    assert.equal(tags['mlflow.user'], json.info.user_id);
  });

  it('stores artifacts of an events file as cache objects and shows them with the dataset inputs', async () => {
    const G = '9a'.repeat(16);
    writeTree(pending, {
      [`${G}.jsonl.d/report/summary.txt`]: 'all good\n',
      [`${G}.jsonl.d/report/plots/roc.csv`]: 'fpr,tpr\n0,0\n1,1\n',
      [`${G}.jsonl`]: [
        line({ run: { id: G, name: 'with-artifacts', start_time: 500 } }),
        line({ artifact: `${G}.jsonl.d/report`, path: 'eval' }),
        line({ dataset: { name: 'train', digest: 'ab'.repeat(32), source: 'data/train', context: 'training' } }),
        line({ end: { status: 'KILLED', end_time: 800 } }),
      ].join(''),
    });
    const r = await runs('show', G);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Inputs\n {2}train +abababababab {2}data\/train {2}\(training\)/);
    assert.match(r.stdout, /Artifacts\n {2}eval\/plots\/roc\.csv +\d+ B\n {2}eval\/summary\.txt +9 B/);
    const json = JSON.parse((await runs('show', G, '--json')).stdout);
    const summary = json.artifacts.find((a: { path: string }) => a.path === 'eval/summary.txt');
    const object = path.join(repo.dir, '.cairn', 'cache', 'objects', summary.oid.slice(0, 2), summary.oid.slice(2));
    assert.ok(existsSync(object), 'the artifact bytes are an object of the cache');
    assert.equal((await runs('delete', G)).code, 0);
    const gc = await cairn(repo.dir, ['gc', '--workspace', '--force'], repo.env);
    assert.equal(gc.code, 0, gc.stderr);
    assert.ok(existsSync(object), 'gc keeps the artifacts of runs, deleted runs included (they can be restored)');
  });

  it('deletes and restores runs (soft), listing deleted ones on request', async () => {
    const d = await runs('delete', A.slice(0, 10), B);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, new RegExp(`Deleted run ${A} \\(adam-run\\)`));
    assert.deepEqual(JSON.parse((await runs('list', '--json')).stdout).runs.map((x: { info: { run_id: string } }) => x.info.run_id), [C]);
    const deleted = await runs('list', '--deleted');
    assert.match(deleted.stdout, /deleted/);
    assert.equal(JSON.parse((await runs('list', '--all', '--json')).stdout).runs.length, 4, 'A, B, C and the deleted run with artifacts');
    const restored = await runs('restore', A, B, '--json');
    assert.deepEqual(JSON.parse(restored.stdout), { restored: [A, B] });
    assert.equal(JSON.parse((await runs('list', '--json')).stdout).runs.length, 3);
  });

  it('refuses bad input clearly and changes nothing', async () => {
    const unknown = await runs('show', 'deadbeef');
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /no run with an id starting with deadbeef\nhint: list runs with `cairn runs list --all`/);
    const typo = await runs('delete', A, 'ffffffffff');
    assert.equal(typo.code, 4);
    assert.equal(JSON.parse((await runs('list', '--json')).stdout).runs.length, 3, 'no run was deleted');
    const bad = await runs('list', '--filter', "params.opt = adam");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad filter at column 14: param "opt" is compared with a quoted string \(write 'adam'\)\n {2}params\.opt = adam\n {15}\^/);
    const badJson = await runs('list', '--filter', 'metrics.acc >', '--json');
    assert.equal(badJson.code, 2);
    assert.equal(JSON.parse(badJson.stdout).error.code, 'USAGE');
    assert.equal((await runs('list', '-n', 'zero')).code, 2);
    assert.equal((await runs('list', '--all', '--deleted')).code, 2);
    const exp = await runs('list', '-e', 'cat');
    assert.equal(exp.code, 4);
    assert.match(exp.stderr, /no experiment named "cat"\nhint: did you mean "cats"\?/);
    assert.match((await runs('list', '--order-by', 'metrics.acc UP')).stderr, /bad order_by at column 13/);
    assert.match((await runs('show', 'xyz')).stderr, /"xyz" is not a run id/);
  });

  it('ingest reports each file, stores the good lines of a bad file and names its bad line', async () => {
    const scratch = path.join(repo.dir, 'scratch');
    const good = path.join(scratch, 'good.jsonl');
    const badFile = path.join(scratch, 'bad.jsonl');
    const D = 'd4'.repeat(16);
    const E = 'e5'.repeat(16);
    writeTree(scratch, {
      'good.jsonl': line({ run: { id: D, name: 'explicit', start_time: 5 } }) + line({ metric: 'm', value: 1 }),
      'bad.jsonl': line({ run: { id: E, start_time: 5 } }) + line({ metric: 'm', value: 1 }) + '{"metric": "m", "value": }\n',
    });
    const r = await runs('ingest', 'scratch/good.jsonl', 'scratch/bad.jsonl');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Ingested 2 lines \(1 metric point\) from scratch\/good\.jsonl into run d4d4d4d4/);
    assert.match(r.stderr, /bad\.jsonl:3: not valid JSON/);
    const stored = JSON.parse((await runs('show', E, '--json')).stdout);
    assert.equal(stored.data.metrics[0].value, 1);
    assert.ok(existsSync(good), 'files outside the pending folder are never deleted');
    const again = await runs('ingest', 'scratch/good.jsonl', '--json');
    assert.equal(JSON.parse(again.stdout).files[0].points, 0, 'ingesting again adds nothing');
    writeFileSync(path.join(pending, `${'f6'.repeat(16)}.jsonl`), '{"metric": "loss", "value": 1}\n{"oops"\n');
    const list = await runs('list', '--json');
    assert.equal(list.code, 0, 'a bad pending file is a warning for list, not an error');
    assert.match(list.stderr, /warning: .*f6f6.*\.jsonl:2: not valid JSON/);
    const nothing = await cairn(repo.dir, ['runs', 'ingest', 'scratch/none.jsonl'], repo.env);
    assert.equal(nothing.code, 4);
    // A client ending its run asks for its pending file after another cairn command already ingested and removed it.
    const gone = await cairn(repo.dir, ['runs', 'ingest', `.cairn/tracking/pending/${'0'.repeat(32)}.jsonl`], repo.env);
    assert.equal(gone.code, 0, gone.stderr);
  });
});

describe('cairn runs with tracking.uri', () => {
  it('a relative store path in the config names one file from any sub-folder of the repository', async (t) => {
    const repo = tempGitRepo();
    t.after(repo.cleanup);
    await cairn(repo.dir, ['init'], repo.env);
    assert.equal((await cairn(repo.dir, ['config', 'tracking.uri', 'store/runs.db'], repo.env)).code, 0);
    writeTree(repo.dir, { 'sub/deeper/e.jsonl': line({ run: { id: A, name: 'from-sub', start_time: 1 } }) });
    const sub = path.join(repo.dir, 'sub', 'deeper');
    assert.equal((await cairn(sub, ['runs', 'ingest', 'e.jsonl'], repo.env)).code, 0);
    assert.ok(existsSync(path.join(repo.dir, 'store', 'runs.db')));
    const listed = await cairn(repo.dir, ['runs', 'list', '--json'], repo.env);
    assert.equal(JSON.parse(listed.stdout).runs[0].info.run_name, 'from-sub');
  });
});

describe('cairn runs outside a repository', () => {
  it('uses CAIRN_TRACKING_URI, and says clearly which backends are not available yet', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const env = { HOME: tmp.dir, CAIRN_TRACKING_URI: `sqlite://${path.join(tmp.dir, 'runs.db')}` };
    const events = path.join(tmp.dir, 'e.jsonl');
    writeFileSync(events, line({ run: { id: A, name: 'loose', start_time: 1 } }) + line({ metric: 'acc', value: 0.7 }));
    assert.equal((await cairn(tmp.dir, ['runs', 'ingest', events], env)).code, 0);
    const r = await cairn(tmp.dir, ['runs', 'list', '--json'], env);
    assert.equal(JSON.parse(r.stdout).runs[0].info.run_name, 'loose');
    const http = await cairn(tmp.dir, ['runs', 'list'], { HOME: tmp.dir, CAIRN_TRACKING_URI: 'https://me:pw@tracking.example/' });
    assert.equal(http.code, 2);
    assert.match(http.stderr, /https tracking store \(https:\/\/me:\*\*\*@tracking\.example\/\) is not available yet/);
    const none = await cairn(tmp.dir, ['runs', 'list'], { HOME: tmp.dir });
    assert.equal(none.code, 4);
    assert.match(none.stderr, /not a cairn repository/);
  });
});
