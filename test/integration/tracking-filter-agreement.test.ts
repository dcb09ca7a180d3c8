import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { compareSubjects, evaluateFilter, parseFilter, parseOrderBy, type OrderBy } from '../../src/tracking/filter/index.js';
import { runSubject } from '../../src/tracking/runSubject.js';
import { PostgresTrackingStore } from '../../src/tracking/postgres/postgresTrackingStore.js';
import { SqliteTrackingStore } from '../../src/tracking/sqlite/sqliteTrackingStore.js';
import type { TrackingStore } from '../../src/tracking/trackingStore.js';
import { startPostgres } from '../helpers/postgres.js';

/** A small deterministic generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const FILTERS = [
  'metrics.acc > 0.5', 'metrics.acc <= 0.5', 'metrics.acc = 0.25', 'metrics.acc != 0.25', 'metrics.acc IS NULL',
  'metrics.loss >= 1 or metrics.acc < 0.2', "params.opt = 'adam'", "params.opt != 'adam'", "params.opt IN ('sgd', 'rmsprop')",
  "params.opt NOT IN ('sgd')", "params.opt LIKE '%a%'", "params.opt ILIKE 'A%'", 'params.opt IS NOT NULL',
  "tags.team = 'Vision'", "tags.team ILIKE 'vision'", "tags.team LIKE 'Vis%'", "tags.team != 'Vision'", 'tags.team IS NULL',
  "attributes.status = 'FINISHED'", "attributes.status IN ('FAILED', 'KILLED')", 'attributes.start_time > 5000',
  'attributes.end_time IS NULL', "run_name LIKE 'r_1%'", "datasets.name = 'train'", "datasets.context != 'eval'",
  "(metrics.acc > 0.3 and params.opt = 'adam') or (tags.team = 'NLP' and metrics.loss < 2)",
  "metrics.acc > 0.1 and (params.opt != 'sgd' or tags.team IS NULL) and attributes.status != 'FAILED'",
  // Fractional times against integer columns, and LIKE's one-character wildcard.
  'attributes.start_time > 5000.5', 'attributes.end_time <= 3050.0', "tags.team LIKE 'V_s%l'",
];

const postgres = await startPostgres({ after });

/** Seeds 60 random runs, then checks every filter selects in SQL what evaluateFilter selects in memory. */
async function checkAgreement(store: TrackingStore): Promise<void> {
  const rnd = random(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  for (let i = 0; i < 60; i++) {
    const { run_id } = await store.createRun({ experiment_id: '0', run_name: `r_${i}`, start_time: i * 200 });
    const metrics = [];
    if (rnd() < 0.8) metrics.push({ key: 'acc', value: pick([0.25, 0.5, 0.75, NaN, rnd()]), step: 0, timestamp: 1 });
    if (rnd() < 0.6) metrics.push({ key: 'loss', value: pick([0.5, 1, 3, Infinity]), step: 0, timestamp: 1 });
    const params = rnd() < 0.8 ? [{ key: 'opt', value: pick(['adam', 'sgd', 'rmsprop', 'Adagrad']) }] : [];
    const tags = rnd() < 0.7 ? [{ key: 'team', value: pick(['Vision', 'vision', 'NLP', 'Visual']) }] : [];
    await store.write([{ op: 'logBatch', run_id, metrics, params, tags }]);
    if (rnd() < 0.5) {
      const context = pick(['training', 'eval']);
      await store.write([{ op: 'logInputs', run_id, datasets: [{ dataset: { name: pick(['train', 'test']), digest: 'd', source_type: '', source: '' }, tags: [{ key: 'mlflow.data.context', value: context }] }] }]);
    }
    if (rnd() < 0.7) await store.write([{ op: 'updateRun', run_id, status: pick(['FINISHED', 'FAILED', 'KILLED']), end_time: i * 200 + 50 }]);
  }
  const all = (await store.searchRuns({ max_results: 1000 })).runs;
  assert.equal(all.length, 60);
  for (const filter of FILTERS) {
    const node = parseFilter(filter);
    const inMemory = all.filter((r) => evaluateFilter(node, runSubject(r))).map((r) => r.info.run_name).sort();
    const inSql = (await store.searchRuns({ filter, max_results: 1000 })).runs.map((r) => r.info.run_name).sort();
    assert.deepEqual(inSql, inMemory, filter);
    assert.ok(inSql.length > 0 && inSql.length < 60, `the case should discriminate: ${filter} matched ${inSql.length}`);
  }
  // Orders too: text byte-wise (uppercase first), numbers with NaN and missing values last either way.
  const tieBreakers: OrderBy[] = [{ entity: 'attribute', key: 'start_time', ascending: false }, { entity: 'attribute', key: 'run_id', ascending: true }];
  for (const order of [['params.opt'], ['tags.team DESC', 'metrics.acc'], ['metrics.acc DESC'], ['metrics.loss', 'params.opt DESC']]) {
    const inMemory = [...all].map(runSubject).sort(compareSubjects([...order.map((o) => parseOrderBy(o)), ...tieBreakers])).map((r) => r.attributes.run_name);
    const inSql = (await store.searchRuns({ order_by: order, max_results: 1000 })).runs.map((r) => r.info.run_name);
    assert.deepEqual(inSql, inMemory, order.join(', '));
  }
}

describe('the filter grammar in SQL and in memory', () => {
  it('selects the same runs both ways on SQLite, for every kind of comparison, missing keys and NaN included', async (t) => {
    const store = SqliteTrackingStore.open({ file: ':memory:' });
    t.after(() => store.close());
    await checkAgreement(store);
  });

  it('selects the same runs both ways on PostgreSQL', async (t) => {
    const store = await PostgresTrackingStore.open({ uri: await postgres.newDatabase() });
    t.after(() => store.close());
    await checkAgreement(store);
  });
});
