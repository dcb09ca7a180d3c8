/**
 * The one contract every TrackingStore backend passes. A backend's test file calls
 * `runTrackingStoreContract('sqlite', async () => ({ store, cleanup }))`; every case gets a fresh, empty store
 * (holding only the default experiment) and calls `cleanup` after it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import type { Metric, Run } from '../../src/tracking/entities.js';
import type { TrackingStore } from '../../src/tracking/trackingStore.js';
import { logMetric, logParam, searchAllRuns, setTag, terminateRun } from '../../src/tracking/trackingOps.js';

export interface TrackingFixture {
  store: TrackingStore;
  cleanup(): Promise<void>;
}

export type MakeTrackingStore = () => Promise<TrackingFixture>;

export async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp): Promise<CairnError> {
  let caught: CairnError | undefined;
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CairnError, `expected a CairnError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    if (pattern) assert.match(err.message, pattern);
    caught = err;
    return true;
  });
  return caught!;
}

const point = (key: string, value: number, step: number, timestamp = 1000 + step): Metric => ({ key, value, step, timestamp });
const ids = (runs: Run[]) => runs.map((r) => r.info.run_name);

export function runTrackingStoreContract(name: string, makeStore: MakeTrackingStore): void {
  const withStore = (fn: (store: TrackingStore) => Promise<void>) => async () => {
    const { store, cleanup } = await makeStore();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };

  /** Three finished runs in experiment "0" with params, metrics and tags to search over. */
  async function seedRuns(store: TrackingStore): Promise<string[]> {
    const out: string[] = [];
    const rows = [
      { name: 'r-a', opt: 'adam', acc: 0.95, team: 'alpha', start: 3000 },
      { name: 'r-b', opt: 'sgd', acc: 0.85, team: 'beta', start: 2000 },
      { name: 'r-c', opt: 'adam', acc: NaN, team: null, start: 1000 },
    ];
    for (const r of rows) {
      const info = await store.createRun({ experiment_id: '0', run_name: r.name, start_time: r.start, user_id: 'ann' });
      await store.write([
        {
          op: 'logBatch',
          run_id: info.run_id,
          params: [{ key: 'opt', value: r.opt }],
          metrics: [point('acc', r.acc, 1)],
          tags: r.team ? [{ key: 'team', value: r.team }] : [],
        },
      ]);
      out.push(info.run_id);
    }
    await terminateRun(store, out[0], 'FINISHED', 5000);
    await terminateRun(store, out[1], 'FAILED', 5000);
    return out;
  }

  describe(`TrackingStore contract: ${name}`, () => {
    it('starts with the default experiment "0" named Default', withStore(async (store) => {
      const exp = await store.getExperiment('0');
      assert.equal(exp.name, 'Default');
      assert.equal(exp.lifecycle_stage, 'active');
      assert.deepEqual((await store.getExperimentByName('Default'))?.experiment_id, '0');
      assert.equal(await store.getExperimentByName('nope'), null);
    }));

    it('creates experiments with unique names, tags, rename, soft delete and restore', withStore(async (store) => {
      const id = await store.createExperiment({ name: 'cats', tags: [{ key: 'team', value: 'vision' }] });
      assert.match(id, /^\d+$/);
      const exp = await store.getExperiment(id);
      assert.deepEqual(exp.tags, { team: 'vision' });
      assert.ok(exp.artifact_location.endsWith(id));
      await rejectsWith(store.createExperiment({ name: 'cats' }), 'CONFLICT', /"cats" already exists/);
      await store.renameExperiment(id, 'felines');
      await rejectsWith(store.renameExperiment(id, 'Default'), 'CONFLICT', /"Default" already exists/);
      await rejectsWith(store.renameExperiment('777', 'x'), 'NOT_FOUND');
      assert.equal((await store.getExperiment(id)).name, 'felines');
      await store.deleteExperiment(id);
      assert.equal((await store.getExperiment(id)).lifecycle_stage, 'deleted');
      await rejectsWith(store.createExperiment({ name: 'felines' }), 'CONFLICT', /\(deleted\)/);
      await rejectsWith(store.createRun({ experiment_id: id }), 'USAGE', /deleted/);
      await store.restoreExperiment(id);
      assert.equal((await store.getExperiment(id)).lifecycle_stage, 'active');
      await store.setExperimentTag(id, { key: 'team', value: 'ml' });
      await store.deleteExperimentTag(id, 'team');
      assert.deepEqual((await store.getExperiment(id)).tags, {});
      await rejectsWith(store.deleteExperimentTag(id, 'team'), 'NOT_FOUND');
      await rejectsWith(store.deleteExperiment('0'), 'USAGE', /default experiment/);
      await rejectsWith(store.getExperiment('999'), 'NOT_FOUND');
      await rejectsWith(store.getExperiment('abc'), 'NOT_FOUND');
      await rejectsWith(store.createExperiment({ name: '  ' }), 'USAGE');
    }));

    it('deleting an experiment deletes its runs, and restoring it restores exactly those', withStore(async (store) => {
      const id = await store.createExperiment({ name: 'dogs' });
      const before = (await store.createRun({ experiment_id: id, run_name: 'deleted-alone' })).run_id;
      await store.deleteRun(before);
      const run = (await store.createRun({ experiment_id: id, run_name: 'with-experiment' })).run_id;
      const other = (await store.createRun({ experiment_id: '0' })).run_id;
      await store.deleteExperiment(id);
      assert.equal((await store.getRun(run)).info.lifecycle_stage, 'deleted');
      assert.equal((await store.getRun(other)).info.lifecycle_stage, 'active');
      await store.restoreExperiment(id);
      assert.equal((await store.getRun(run)).info.lifecycle_stage, 'active');
      assert.equal((await store.getRun(before)).info.lifecycle_stage, 'deleted', 'a run deleted on its own stays deleted');
    }));

    it('searches experiments by filter and order, page by page, hiding deleted ones by default', withStore(async (store) => {
      for (const n of ['exp-a', 'exp-b', 'other']) await store.createExperiment({ name: n });
      const del = await store.createExperiment({ name: 'exp-gone' });
      await store.deleteExperiment(del);
      const found = await store.searchExperiments({ filter: "name LIKE 'exp-%'", order_by: ['name DESC'] });
      assert.deepEqual(found.experiments.map((e) => e.name), ['exp-b', 'exp-a']);
      const deleted = await store.searchExperiments({ view_type: 'DELETED_ONLY' });
      assert.deepEqual(deleted.experiments.map((e) => e.name), ['exp-gone']);
      const first = await store.searchExperiments({ max_results: 2, order_by: ['name'] });
      assert.deepEqual(first.experiments.map((e) => e.name), ['Default', 'exp-a']);
      assert.ok(first.next_page_token);
      const second = await store.searchExperiments({ max_results: 2, order_by: ['name'], page_token: first.next_page_token });
      assert.deepEqual(second.experiments.map((e) => e.name), ['exp-b', 'other']);
      assert.equal(second.next_page_token, undefined);
      await rejectsWith(store.searchExperiments({ filter: 'metrics.acc > 1' }), 'USAGE', /experiments are searched by/);
      await store.setExperimentTag((await store.getExperimentByName('other'))!.experiment_id, { key: 'team', value: 'vision' });
      assert.deepEqual((await store.searchExperiments({ filter: "tags.team = 'vision' or name = 'exp-a'", order_by: ['name'] })).experiments.map((e) => e.name), ['exp-a', 'other']);
    }));

    it('creates runs with 32-hex ids, defaults and MLflow\'s run name tag', withStore(async (store) => {
      const info = await store.createRun({ experiment_id: '0', start_time: 1234, user_id: 'ann', tags: [{ key: 'k', value: 'v' }] });
      assert.match(info.run_id, /^[0-9a-f]{32}$/);
      assert.equal(info.status, 'RUNNING');
      assert.equal(info.start_time, 1234);
      assert.equal(info.end_time, null);
      assert.equal(info.lifecycle_stage, 'active');
      assert.match(info.run_name, /^[a-z]+-[a-z]+-\d+$/);
      assert.ok(info.artifact_uri.includes(info.run_id));
      const run = await store.getRun(info.run_id);
      assert.deepEqual(Object.fromEntries(run.data.tags.map((t) => [t.key, t.value])), { k: 'v', 'mlflow.runName': info.run_name });
      const given = 'ab'.repeat(16);
      assert.equal((await store.createRun({ experiment_id: '0', run_id: given, run_name: 'named' })).run_name, 'named');
      await rejectsWith(store.createRun({ experiment_id: '0', run_id: given }), 'CONFLICT');
      await rejectsWith(store.createRun({ experiment_id: '0', run_id: 'XYZ' }), 'USAGE', /not a run id/);
      await rejectsWith(store.createRun({ experiment_id: '42' }), 'NOT_FOUND');
      await rejectsWith(store.getRun('cd'.repeat(16)), 'NOT_FOUND', /no run with id/);
      await rejectsWith(store.getRun('nope'), 'USAGE');
      await rejectsWith(store.getMetricHistory('cd'.repeat(16), 'loss'), 'NOT_FOUND');
      await rejectsWith(store.listArtifacts('cd'.repeat(16)), 'NOT_FOUND');
    }));

    it('keeps params immutable: the same value again is fine, another is a CONFLICT naming key, old and new', withStore(async (store) => {
      const { run_id } = await store.createRun({ experiment_id: '0' });
      await logParam(store, run_id, 'lr', '0.1');
      await logParam(store, run_id, 'lr', '0.1');
      const err = await rejectsWith(logParam(store, run_id, 'lr', '0.2'), 'CONFLICT', /param "lr".*"0\.1".*"0\.2"/);
      assert.deepEqual({ key: err.data?.key, old: err.data?.old_value, new: err.data?.new_value }, { key: 'lr', old: '0.1', new: '0.2' });
      // The failed batch wrote nothing, not even its other entries.
      await rejectsWith(store.write([{ op: 'logBatch', run_id, params: [{ key: 'depth', value: '3' }, { key: 'lr', value: '9' }], metrics: [point('m', 1, 0)] }]), 'CONFLICT');
      const run = await store.getRun(run_id);
      assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
      assert.deepEqual(run.data.metrics, []);
    }));

    it('records metric series in order, the latest by step then timestamp, and NaN and infinities exactly', withStore(async (store) => {
      const { run_id } = await store.createRun({ experiment_id: '0' });
      await store.write([{ op: 'logBatch', run_id, metrics: [point('loss', 0.5, 2), point('loss', 0.9, 0), point('loss', 0.7, 1), point('x', NaN, 0), point('y', Infinity, 0), point('z', -Infinity, 0)] }]);
      await logMetric(store, run_id, { key: 'loss', value: 0.8, step: 1, timestamp: 5 });
      const history = await store.getMetricHistory(run_id, 'loss');
      assert.deepEqual(history.metrics.map((m) => [m.step, m.value]), [[0, 0.9], [1, 0.8], [1, 0.7], [2, 0.5]]);
      const latest = Object.fromEntries((await store.getRun(run_id)).data.metrics.map((m) => [m.key, m.value]));
      assert.deepEqual(latest, { loss: 0.5, x: NaN, y: Infinity, z: -Infinity });
      const page1 = await store.getMetricHistory(run_id, 'loss', { max_results: 3 });
      const page2 = await store.getMetricHistory(run_id, 'loss', { max_results: 3, page_token: page1.next_page_token });
      assert.deepEqual([...page1.metrics, ...page2.metrics], history.metrics);
      await rejectsWith(store.write([{ op: 'logBatch', run_id, metrics: [{ key: 'bad key!', value: 1, step: 0, timestamp: 1 }] }]), 'USAGE', /characters/);
      await rejectsWith(store.write([{ op: 'logBatch', run_id, metrics: [{ key: 'ok', value: '1' as unknown as number, step: 0, timestamp: 1 }] }]), 'USAGE', /not a number/);
      await rejectsWith(store.write([{ op: 'logBatch', run_id, metrics: [{ key: 'ok', value: 1, step: 0.5, timestamp: 1 }] }]), 'USAGE', /step/);
    }));

    it('stores a point identical to a stored one once, so a retried batch adds nothing', withStore(async (store) => {
      const { run_id } = await store.createRun({ experiment_id: '0' });
      const batch = [point('loss', 0.5, 0), point('loss', 0.4, 1), point('loss', NaN, 2)];
      await store.write([{ op: 'logBatch', run_id, metrics: batch }]);
      await store.write([{ op: 'logBatch', run_id, metrics: [...batch, point('loss', 0.3, 3), point('loss', 0.3, 3)] }]);
      await store.write([{ op: 'ensureRun', run: { run_id, experiment_id: '0' } }, { op: 'logBatch', run_id, metrics: batch }]);
      const history = await store.getMetricHistory(run_id, 'loss');
      assert.deepEqual(history.metrics.map((m) => [m.step, m.value]), [[0, 0.5], [1, 0.4], [2, NaN], [3, 0.3]]);
    }));

    it('samples a long history for charts: evenly spaced steps with the first and the last, every point of a kept step', withStore(async (store) => {
      const { run_id } = await store.createRun({ experiment_id: '0' });
      const metrics = Array.from({ length: 1000 }, (_, i) => point('loss', 1 / (i + 1), i));
      for (let i = 0; i < metrics.length; i += 500) await store.write([{ op: 'logBatch', run_id, metrics: metrics.slice(i, i + 500) }]);
      await store.write([{ op: 'logBatch', run_id, metrics: [point('loss', 7, 0, 99_999)] }]);
      const sampled = await store.sampleMetricHistory(run_id, 'loss', { max_results: 10 });
      const steps = [...new Set(sampled.map((m) => m.step))];
      assert.deepEqual(steps, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999]);
      assert.equal(sampled.filter((m) => m.step === 0).length, 2, 'both points of step 0');
      assert.deepEqual(sampled.slice(0, 2).map((m) => m.timestamp), [1000, 99_999], 'by step, then timestamp');
      const ranged = await store.sampleMetricHistory(run_id, 'loss', { max_results: 1000, start_step: 10, end_step: 14 });
      assert.deepEqual(ranged.map((m) => m.step), [10, 11, 12, 13, 14]);
      assert.deepEqual(await store.sampleMetricHistory(run_id, 'missing', { max_results: 5 }), []);
      await rejectsWith(store.sampleMetricHistory(run_id, 'loss', { max_results: 0 }), 'USAGE', /max_results/);
      await rejectsWith(store.sampleMetricHistory(run_id, 'loss', { max_results: 5, start_step: 9, end_step: 3 }), 'USAGE', /after/);
      await rejectsWith(store.sampleMetricHistory('ab'.repeat(16), 'loss', { max_results: 5 }), 'NOT_FOUND');
    }));

    it('sets, overwrites and deletes tags; updates status, end time and name', withStore(async (store) => {
      const { run_id } = await store.createRun({ experiment_id: '0', run_name: 'first' });
      await setTag(store, run_id, 'team', 'a');
      await setTag(store, run_id, 'team', 'b');
      await store.deleteTag(run_id, 'team');
      await rejectsWith(store.deleteTag(run_id, 'team'), 'NOT_FOUND');
      await rejectsWith(setTag(store, run_id, 'long', 'x'.repeat(8001)), 'USAGE', /longer than 8000/);
      await rejectsWith(logParam(store, run_id, 'long', 'x'.repeat(6001)), 'USAGE', /longer than 6000/);
      const info = await terminateRun(store, run_id, 'KILLED', 9000);
      assert.deepEqual([info.status, info.end_time], ['KILLED', 9000]);
      await store.write([{ op: 'updateRun', run_id, run_name: 'second' }]);
      const run = await store.getRun(run_id);
      assert.equal(run.info.run_name, 'second');
      assert.equal(run.data.tags.find((t) => t.key === 'mlflow.runName')?.value, 'second');
      await rejectsWith(store.write([{ op: 'updateRun', run_id, status: 'DONE' as 'FINISHED' }]), 'USAGE', /status "DONE"/);
    }));

    it('soft-deletes and restores runs; a deleted run refuses writes and leaves default searches', withStore(async (store) => {
      const [a, b] = await seedRuns(store);
      await store.deleteRun(a);
      assert.equal((await store.getRun(a)).info.lifecycle_stage, 'deleted');
      assert.deepEqual(ids((await store.searchRuns({})).runs), ['r-b', 'r-c']);
      assert.deepEqual(ids((await store.searchRuns({ run_view_type: 'DELETED_ONLY' })).runs), ['r-a']);
      assert.equal((await store.searchRuns({ run_view_type: 'ALL' })).runs.length, 3);
      await rejectsWith(setTag(store, a, 'k', 'v'), 'USAGE', /deleted/);
      await store.restoreRun(a);
      await setTag(store, a, 'k', 'v');
      assert.equal((await store.searchRuns({ experiment_ids: ['0'] })).runs.length, 3);
      // A filter together with experiment ids (the server's searches always name their experiments).
      assert.deepEqual(ids((await store.searchRuns({ experiment_ids: ['0'], filter: "params.opt = 'adam' and metrics.acc > 0.9", order_by: ['metrics.acc DESC'] })).runs), ['r-a']);
      await rejectsWith(store.deleteRun('ef'.repeat(16)), 'NOT_FOUND');
      assert.ok(b);
    }));

    it('records dataset inputs once each, with their context, and artifacts by path', withStore(async (store) => {
      const { run_id } = await store.createRun({ experiment_id: '0' });
      const input = { dataset: { name: 'train', digest: 'a'.repeat(64), source_type: 'cairn', source: 'data/train' }, tags: [{ key: 'mlflow.data.context', value: 'training' }] };
      await store.write([{ op: 'logInputs', run_id, datasets: [input, input] }]);
      assert.deepEqual((await store.getRun(run_id)).inputs.dataset_inputs, [input]);
      const oid = 'b'.repeat(64);
      await store.write([{ op: 'logArtifacts', run_id, artifacts: [{ path: 'model/weights.bin', oid, size: 10 }, { path: 'model/config.json', oid, size: 2 }, { path: 'log.txt', oid, size: 1 }] }]);
      assert.deepEqual((await store.listArtifacts(run_id)).map((a) => a.path), ['log.txt', 'model/config.json', 'model/weights.bin']);
      assert.deepEqual((await store.listArtifacts(run_id, 'model')).map((a) => a.path), ['model/config.json', 'model/weights.bin']);
      assert.deepEqual(await store.listArtifacts(run_id, 'log.txt'), [{ path: 'log.txt', oid, size: 1 }]);
      for (const bad of ['../x', '/etc/passwd', 'a/../../b', 'a//b']) {
        await rejectsWith(store.write([{ op: 'logArtifacts', run_id, artifacts: [{ path: bad, oid, size: 1 }] }]), 'USAGE', /artifact path/);
      }
      await rejectsWith(store.write([{ op: 'logInputs', run_id, datasets: [{ dataset: { name: '', digest: '', source_type: '', source: '' }, tags: [] }] }]), 'USAGE');
    }));

    it('deletes artifacts by file or by folder, leaves look-alike names, and refuses unsafe paths', withStore(async (store) => {
      const { run_id } = await store.createRun({ experiment_id: '0' });
      const oid = 'c'.repeat(64);
      const paths = ['model/weights.bin', 'model/config.json', 'model-card.md', 'model.txt', 'plots/a.png', 'plots/b.png', 'log.txt'];
      await store.write([{ op: 'logArtifacts', run_id, artifacts: paths.map((path) => ({ path, oid, size: 1 })) }]);
      await store.write([{ op: 'deleteArtifacts', run_id, paths: ['model', 'plots/a.png', 'never-logged'] }]);
      assert.deepEqual((await store.listArtifacts(run_id)).map((a) => a.path), ['log.txt', 'model-card.md', 'model.txt', 'plots/b.png']);
      for (const bad of ['../x', '/etc', 'a//b', '']) {
        await rejectsWith(store.write([{ op: 'deleteArtifacts', run_id, paths: [bad] }]), 'USAGE', /artifact path/);
      }
      assert.equal((await store.listArtifacts(run_id)).length, 4, 'a refused delete removes nothing');
      await rejectsWith(store.write([{ op: 'deleteArtifacts', run_id: 'cd'.repeat(16), paths: ['x'] }]), 'NOT_FOUND');
    }));

    it('searches runs with the filter grammar: metrics, params, tags, attributes, or, IN, IS NULL', withStore(async (store) => {
      await seedRuns(store);
      const q = async (filter: string) => ids((await store.searchRuns({ filter })).runs).sort();
      assert.deepEqual(await q("metrics.acc > 0.9 and params.opt = 'adam'"), ['r-a']);
      assert.deepEqual(await q("metrics.acc < 0.9 or tags.team LIKE 'a%'"), ['r-a', 'r-b']);
      assert.deepEqual(await q("tags.team ILIKE 'ALPHA'"), ['r-a']);
      assert.deepEqual(await q("tags.team LIKE 'ALPHA'"), []);
      assert.deepEqual(await q("tags.team != 'alpha'"), ['r-b', 'r-c']);
      assert.deepEqual(await q('tags.team IS NULL'), ['r-c']);
      assert.deepEqual(await q("attributes.status IN ('FINISHED', 'FAILED')"), ['r-a', 'r-b']);
      assert.deepEqual(await q("attributes.status NOT IN ('FINISHED')"), ['r-b', 'r-c']);
      assert.deepEqual(await q('attributes.end_time IS NULL'), ['r-c']);
      assert.deepEqual(await q("run_name = 'r-b' or attributes.start_time >= 3000"), ['r-a', 'r-b']);
      assert.deepEqual(await q('metrics.acc != 0.95'), ['r-b', 'r-c']);
      assert.deepEqual(await q("params.opt LIKE 'a_am' and (metrics.acc > 0.99 or tags.team = 'alpha')"), ['r-a']);
      assert.deepEqual(await q("attributes.user_id = 'ann' and attributes.experiment_id = '0'"), ['r-a', 'r-b', 'r-c']);
      assert.deepEqual(await q("params.opt = 'x%' or params.opt LIKE '*'"), []);
      // Values are bound, never spliced into SQL: a quote inside a value is just a character.
      assert.deepEqual(await q("params.opt = 'adam'' OR ''1''=''1' or tags.team = '\\' OR 1=1 --'"), []);
      assert.deepEqual(await q("datasets.name IS NULL and attributes.run_id LIKE '%'"), ['r-a', 'r-b', 'r-c']);
      const err = await rejectsWith(store.searchRuns({ filter: 'metrics.acc >> 1' }), 'USAGE', /column 14/);
      assert.equal(err.data?.column, 14);
    }));

    it('orders runs (missing and NaN last either way) and pages through them without gaps or repeats', withStore(async (store) => {
      await seedRuns(store);
      assert.deepEqual(ids((await store.searchRuns({})).runs), ['r-a', 'r-b', 'r-c']);
      assert.deepEqual(ids((await store.searchRuns({ order_by: ['metrics.acc ASC'] })).runs), ['r-b', 'r-a', 'r-c']);
      assert.deepEqual(ids((await store.searchRuns({ order_by: ['metrics.acc DESC'] })).runs), ['r-a', 'r-b', 'r-c']);
      assert.deepEqual(ids((await store.searchRuns({ order_by: ['tags.team DESC'] })).runs), ['r-b', 'r-a', 'r-c']);
      assert.deepEqual(ids((await store.searchRuns({ order_by: ['params.opt', 'attributes.start_time'] })).runs), ['r-c', 'r-a', 'r-b']);
      for (let i = 0; i < 7; i++) await store.createRun({ experiment_id: '0', start_time: 100 + (i % 3) });
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.searchRuns({ max_results: 3, page_token: token });
        seen.push(...page.runs.map((r) => r.info.run_id));
        token = page.next_page_token;
        pages++;
      } while (token);
      assert.equal(pages, 4);
      assert.equal(new Set(seen).size, 10);
      assert.equal((await searchAllRuns(store, {})).length, 10);
      await rejectsWith(store.searchRuns({ page_token: 'garbage' }), 'USAGE', /page token/);
      const other = await store.searchRuns({ max_results: 1, filter: 'metrics.acc > 0' });
      assert.ok(other.next_page_token);
      await rejectsWith(store.searchRuns({ max_results: 1, page_token: other.next_page_token }), 'USAGE', /another search/);
      await rejectsWith(store.searchRuns({ max_results: 0 }), 'USAGE', /max_results/);
      await rejectsWith(store.searchRuns({ max_results: 50001 }), 'USAGE', /max_results/);
      await rejectsWith(store.searchRuns({ order_by: ['metrics.acc SIDEWAYS'] }), 'USAGE', /order_by/);
    }));

    it('writes atomically with a checkpoint, and ensureRun creates or completes a run', withStore(async (store) => {
      const runId = '12'.repeat(16);
      assert.equal(await store.getIngestOffset('file:a'), 0);
      await store.write(
        [
          { op: 'ensureRun', run: { run_id: runId, experiment_id: '0', run_name: 'ingested', start_time: 10 } },
          { op: 'logBatch', run_id: runId, metrics: [point('m', 1, 0)] },
        ],
        { source: 'file:a', run_id: runId, offset: 120 },
      );
      assert.equal(await store.getIngestOffset('file:a'), 120);
      await store.write([{ op: 'ensureRun', run: { run_id: runId, experiment_id: '0', tags: [{ key: 'extra', value: '1' }] } }]);
      const run = await store.getRun(runId);
      assert.equal(run.info.run_name, 'ingested');
      assert.ok(run.data.tags.some((t) => t.key === 'extra'));
      // A failing write leaves neither its data nor its checkpoint.
      await rejectsWith(
        store.write([{ op: 'logBatch', run_id: runId, metrics: [point('m', 2, 1)] }, { op: 'logBatch', run_id: 'fe'.repeat(16), metrics: [] }], { source: 'file:a', run_id: runId, offset: 999 }),
        'NOT_FOUND',
      );
      assert.equal(await store.getIngestOffset('file:a'), 120);
      assert.equal((await store.getMetricHistory(runId, 'm')).metrics.length, 1);
      // A checkpoint that continues from an offset another ingester already moved is refused, and writes nothing.
      const raced = await rejectsWith(
        store.write([{ op: 'logBatch', run_id: runId, metrics: [point('m', 3, 2)] }], { source: 'file:a', run_id: runId, offset: 200, expected_offset: 0 }),
        'CONFLICT',
      );
      assert.equal(raced.data?.reason, 'ingest-offset-moved');
      await store.write([{ op: 'logBatch', run_id: runId, metrics: [point('m', 3, 2)] }], { source: 'file:a', run_id: runId, offset: 200, expected_offset: 120 });
      assert.equal(await store.getIngestOffset('file:a'), 200);
      assert.equal((await store.getMetricHistory(runId, 'm')).metrics.length, 2);
    }));
  });
}
