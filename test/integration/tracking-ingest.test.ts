import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it, type TestContext } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { ingestEvents } from '../../src/tracking/events/ingestEvents.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite/sqliteTrackingStore.js';
import type { ArtifactBlobs } from '../../src/tracking/trackingStore.js';
import { tempDir } from '../helpers/cli.js';

const RUN = '1'.repeat(32);
const CHILD = '2'.repeat(32);

function setup(t: TestContext) {
  const tmp = tempDir('cairn-ingest-');
  const store = SqliteTrackingStore.open({ file: path.join(tmp.dir, 'tracking.db') });
  t.after(async () => {
    await store.close();
    tmp.cleanup();
  });
  const objects = new Map<string, Buffer>();
  const blobs: ArtifactBlobs = {
    async put(file) {
      const data = readFileSync(file);
      const oid = createHash('sha256').update(data).digest('hex');
      objects.set(oid, data);
      return { oid, size: data.length };
    },
    async open(oid) {
      return Readable.from([objects.get(oid)!]);
    },
  };
  const file = path.join(tmp.dir, 'pending', `${RUN}.jsonl`);
  mkdirSync(path.dirname(file), { recursive: true });
  const write = (...lines: unknown[]) => appendFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)) + '\n').join(''));
  return { dir: tmp.dir, store, blobs, objects, file, write };
}

async function rejectsAt(promise: Promise<unknown>, code: string, line: number, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CairnError, String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.data?.line, line, err.message);
    assert.match(err.message, new RegExp(`${RUN}\\.jsonl:${line}: `));
    assert.match(err.message, pattern);
    return true;
  });
}

describe('events ingestion', () => {
  it('records a whole script run: run, params, metrics, tags, dataset, artifact, nested run, end', async (t) => {
    const { dir, store, blobs, objects, file, write } = setup(t);
    mkdirSync(path.join(dir, 'pending', `${RUN}.jsonl.d`));
    writeFileSync(path.join(dir, 'pending', `${RUN}.jsonl.d`, 'config.json'), '{"a":1}');
    write(
      { run: { id: RUN, name: 'script', experiment: 'cats', start_time: 1000, tags: { 'mlflow.source.name': 'train.py' } } },
      { params: { lr: 0.1, opt: 'adam' } },
      { metric: 'loss', value: 0.9, step: 0, timestamp: 1001 },
      { metrics: { loss: 0.5, acc: 'NaN' }, step: 1, timestamp: 1002 },
      { tag: 'team', value: 'vision' },
      { dataset: { name: 'train', digest: 'd'.repeat(64), source: 'data/train', source_type: 'cairn', context: 'training' } },
      { artifact: `${RUN}.jsonl.d/config.json`, path: 'cfg' },
      { run: { id: CHILD, name: 'fold-1', parent: RUN, start_time: 1003 } },
      { metric: 'loss', value: 0.4, run_id: CHILD },
      { end: { status: 'FINISHED', end_time: 1010 }, run_id: CHILD },
      { end: { status: 'FINISHED', end_time: 2000 } },
    );
    const systemTags = { 'mlflow.user': 'ann', 'mlflow.source.name': 'fallback', 'mlflow.source.git.commit': 'c'.repeat(40) };
    const result = await ingestEvents({ store, file, blobs, systemTags, deleteWhenEnded: true, now: () => 5000 });
    assert.deepEqual({ lines: result.lines, points: result.points, deleted: result.deleted }, { lines: 11, points: 4, deleted: true });
    assert.equal(existsSync(file), false, 'an ended pending file is deleted once ingested');
    assert.equal(existsSync(`${file}.d`), false, 'with its folder of artifact copies');

    const run = await store.getRun(RUN);
    assert.equal(run.info.run_name, 'script');
    assert.equal(run.info.experiment_id, (await store.getExperimentByName('cats'))?.experiment_id);
    assert.deepEqual([run.info.status, run.info.start_time, run.info.end_time, run.info.user_id], ['FINISHED', 1000, 2000, 'ann']);
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }, { key: 'opt', value: 'adam' }]);
    const tags = Object.fromEntries(run.data.tags.map((x) => [x.key, x.value]));
    assert.deepEqual(
      { name: tags['mlflow.runName'], source: tags['mlflow.source.name'], user: tags['mlflow.user'], commit: tags['mlflow.source.git.commit'], team: tags.team },
      { name: 'script', source: 'train.py', user: 'ann', commit: 'c'.repeat(40), team: 'vision' },
    );
    assert.deepEqual((await store.getMetricHistory(RUN, 'loss')).metrics, [{ key: 'loss', value: 0.9, step: 0, timestamp: 1001 }, { key: 'loss', value: 0.5, step: 1, timestamp: 1002 }]);
    assert.ok(Number.isNaN(run.data.metrics.find((m) => m.key === 'acc')!.value));
    assert.deepEqual(run.inputs.dataset_inputs[0].tags, [{ key: 'mlflow.data.context', value: 'training' }]);
    const [artifact] = await store.listArtifacts(RUN);
    assert.equal(artifact.path, 'cfg/config.json');
    assert.equal(objects.get(artifact.oid)?.toString(), '{"a":1}');

    const child = await store.getRun(CHILD);
    assert.equal(child.data.tags.find((x) => x.key === 'mlflow.parentRunId')?.value, RUN);
    assert.equal(child.info.status, 'FINISHED');
    assert.deepEqual(child.data.metrics.map((m) => [m.key, m.value, m.timestamp]), [['loss', 0.4, 5000]]);
  });

  it('is idempotent, ingests only what was appended since, and leaves an incomplete last line for later', async (t) => {
    const { store, file, write } = setup(t);
    write({ run: { id: RUN, start_time: 1 } }, { metric: 'm', value: 1, step: 0 });
    appendFileSync(file, '{"metric": "m", "value": 2, "st');
    const first = await ingestEvents({ store, file });
    assert.deepEqual([first.lines, first.points, first.pending_bytes > 0], [2, 1, true]);
    assert.equal((await ingestEvents({ store, file })).points, 0, 'nothing new: nothing written');
    appendFileSync(file, 'ep": 1}\n');
    write({ metric: 'm', value: 3, step: 2 });
    const third = await ingestEvents({ store, file, deleteWhenEnded: true });
    assert.deepEqual([third.lines, third.points, third.pending_bytes, third.deleted], [2, 2, 0, false]);
    assert.equal(existsSync(file), true, 'a running run keeps its pending file');
    assert.deepEqual((await store.getMetricHistory(RUN, 'm')).metrics.map((m) => m.value), [1, 2, 3]);
  });

  it('two ingestions of one file at once store every point once', async (t) => {
    const { store, file, write } = setup(t);
    write({ run: { id: RUN, start_time: 1 } });
    for (let i = 0; i < 1000; i++) write({ metric: 'm', value: i, step: i });
    const results = await Promise.all([ingestEvents({ store, file, batchPoints: 100 }), ingestEvents({ store, file, batchPoints: 100 })]);
    assert.equal(results[0].points + results[1].points, 1000);
    assert.equal((await store.getMetricHistory(RUN, 'm')).metrics.length, 1000);
  });

  it('stops at a bad line with its file and line number, keeping every good line before it', async (t) => {
    const { store, file, write } = setup(t);
    write({ run: { id: RUN, start_time: 1 } }, { metric: 'm', value: 1 }, { metric: 'm', value: 2, step: 1 }, '{"metric": "m", "value": oops}', { metric: 'm', value: 4, step: 3 });
    await rejectsAt(ingestEvents({ store, file }), 'USAGE', 4, /not valid JSON/);
    assert.deepEqual((await store.getMetricHistory(RUN, 'm')).metrics.map((m) => m.value), [1, 2]);
    // Again: the same line is reported, and nothing is duplicated.
    await rejectsAt(ingestEvents({ store, file }), 'USAGE', 4, /not valid JSON/);
    assert.equal((await store.getMetricHistory(RUN, 'm')).metrics.length, 2);
    write({ bogus: 1 });
    await rejectsAt(ingestEvents({ store, file }), 'USAGE', 4, /not valid JSON/);
  });

  it('names the line of a param whose value changed, after storing the lines before it', async (t) => {
    const { store, file, write } = setup(t);
    write({ run: { id: RUN, start_time: 1 } }, { param: 'lr', value: 0.1 }, { metric: 'm', value: 1 }, { param: 'lr', value: 0.1 }, { metric: 'm', value: 2, step: 1 }, { param: 'lr', value: 0.2 }, { metric: 'm', value: 3, step: 2 });
    await rejectsAt(ingestEvents({ store, file }), 'CONFLICT', 6, /param "lr" .* "0\.1"; it cannot change to "0\.2"/);
    assert.deepEqual((await store.getMetricHistory(RUN, 'm')).metrics.map((m) => m.value), [1, 2]);
  });

  it('attaches lines without a run line to CAIRN_RUN_ID, creating the run if nobody did', async (t) => {
    const { dir, store } = setup(t);
    const stageRun = '3'.repeat(32);
    const file = path.join(dir, 'stage-events.jsonl');
    writeFileSync(file, '{"metric": "acc", "value": 0.8}\n{"tag": "k", "value": "v"}\n\n');
    const result = await ingestEvents({ store, file, runId: stageRun, systemTags: { 'mlflow.user': 'bob' } });
    assert.equal(result.run_id, stageRun);
    const run = await store.getRun(stageRun);
    assert.equal(run.info.experiment_id, '0');
    assert.deepEqual(run.data.tags.filter((x) => x.key !== 'mlflow.runName'), [{ key: 'k', value: 'v' }, { key: 'mlflow.user', value: 'bob' }]);
    const orphan = path.join(dir, 'orphan.jsonl');
    writeFileSync(orphan, '{"metric": "acc", "value": 0.8}\n');
    await assert.rejects(ingestEvents({ store, file: orphan }), /orphan\.jsonl:1: this line names no run/);
  });

  it('inside a stage, a nested run first in the file is not the default run, and joins its parent\'s experiment', async (t) => {
    const { dir, store } = setup(t);
    const exp = await store.createExperiment({ name: 'grid' });
    const stageRun = (await store.createRun({ experiment_id: exp, run_name: 'stage' })).run_id;
    const file = path.join(dir, 'stage.jsonl');
    writeFileSync(file, [
      { run: { id: CHILD, name: 'fold-0', parent: stageRun, start_time: 7 } },
      { metric: 'loss', value: 0.2, run_id: CHILD },
      { metric: 'loss', value: 0.5 },
      { end: { status: 'FINISHED', end_time: 9 }, run_id: CHILD },
    ].map((l) => JSON.stringify(l) + '\n').join(''));
    const result = await ingestEvents({ store, file, runId: stageRun });
    assert.equal(result.run_id, stageRun);
    const child = await store.getRun(CHILD);
    assert.equal(child.info.experiment_id, exp);
    assert.equal(child.data.tags.find((x) => x.key === 'mlflow.parentRunId')?.value, stageRun);
    assert.deepEqual((await store.getRun(stageRun)).data.metrics.map((m) => m.value), [0.5]);
    assert.equal((await store.getRun(stageRun)).info.status, 'RUNNING', 'the stage run is ended by cairn, not by its events');
  });

  it('refuses a file that shrank below what was ingested, and artifacts that are gone', async (t) => {
    const { store, file, write, blobs } = setup(t);
    write({ run: { id: RUN, start_time: 1 } }, { metric: 'm', value: 1 });
    await ingestEvents({ store, file });
    writeFileSync(file, JSON.stringify({ run: { id: RUN, start_time: 1 } }) + '\n');
    await assert.rejects(ingestEvents({ store, file }), (err: unknown) => err instanceof CairnError && err.code === 'INTEGRITY' && /shorter/.test(err.message));
    writeFileSync(file, [{ run: { id: RUN, start_time: 1 } }, { metric: 'mm', value: 10 }].map((l) => JSON.stringify(l) + '\n').join(''));
    await assert.rejects(ingestEvents({ store, file }), (err: unknown) => err instanceof CairnError && err.code === 'INTEGRITY' && /rewritten: its lines no longer end/.test(err.message));
    const other = path.join(path.dirname(file), `${CHILD}.jsonl`);
    writeFileSync(other, [{ run: { id: CHILD, start_time: 1 } }, { artifact: 'missing.bin' }].map((l) => JSON.stringify(l) + '\n').join(''));
    await assert.rejects(ingestEvents({ store, file: other, blobs }), /:2: artifact .*missing\.bin does not exist/);
  });

  it('ingests a large file exactly: 300,000 points across chunks and transactions', async (t) => {
    const { store, file } = setup(t);
    const lines = [JSON.stringify({ run: { id: RUN, start_time: 1 } })];
    for (let i = 0; i < 100_000; i++) lines.push(`{"metrics": {"loss": ${1 / (i + 1)}, "acc": ${i / 100_000}, "lr": 0.001}, "step": ${i}, "timestamp": ${1000 + i}}`);
    writeFileSync(file, lines.join('\n') + '\n');
    const result = await ingestEvents({ store, file });
    assert.equal(result.points, 300_000);
    const history = await store.getMetricHistory(RUN, 'loss', { max_results: 200_000 });
    assert.equal(history.metrics.length, 100_000);
    assert.deepEqual(history.metrics[99_999], { key: 'loss', value: 1 / 100_000, step: 99_999, timestamp: 100_999 });
    const latest = (await store.getRun(RUN)).data.metrics.find((m) => m.key === 'acc');
    assert.deepEqual([latest?.step, latest?.value], [99_999, 0.99999]);
    assert.equal((await ingestEvents({ store, file })).points, 0);
  });
});
