import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { parseJson, trackingAuthFromEnv } from '../../src/tracking/http/trackingHttpClient.js';
import { decodeRun, decodeValue, decodeWrites, encodeWrites } from '../../src/tracking/http/wire.js';

describe('the tracking wire format', () => {
  it('carries NaN and infinities as strings and reads them back, also bare as Python writes them', () => {
    const writes = encodeWrites([{ op: 'logBatch', run_id: 'r', metrics: [NaN, Infinity, -Infinity, 0.5].map((value, step) => ({ key: 'm', value, step, timestamp: 1 })) }]);
    assert.deepEqual((writes[0] as { metrics: Array<{ value: unknown }> }).metrics.map((m) => m.value), ['NaN', 'Infinity', '-Infinity', 0.5]);
    const back = decodeWrites(JSON.parse(JSON.stringify(writes)));
    assert.deepEqual((back[0] as { metrics: Array<{ value: number }> }).metrics.map((m) => m.value), [NaN, Infinity, -Infinity, 0.5]);
    assert.deepEqual(parseJson('{"a": NaN, "b": -Infinity, "c": "NaN inside a string", "d": [Infinity]}', 'x'), { a: 'NaN', b: '-Infinity', c: 'NaN inside a string', d: ['Infinity'] });
    assert.ok(Number.isNaN(decodeValue(null, 'v')), 'JSON.stringify turns NaN into null');
    assert.throws(() => decodeValue('1', 'v'), /not a number/);
    assert.throws(() => parseJson('<html>', 'the answer'), (err: unknown) => err instanceof CairnError && err.code === 'REMOTE');
  });

  it("reads MLflow's runs: tags as lists, absent lists empty, run_uuid, no end time", () => {
    const run = decodeRun({ info: { run_uuid: 'ab'.repeat(16), experiment_id: 0, status: 'RUNNING', start_time: '12' }, data: { tags: [{ key: 'k', value: 'v' }] } });
    assert.deepEqual(run.info, { run_id: 'ab'.repeat(16), run_name: '', experiment_id: '0', user_id: '', status: 'RUNNING', start_time: 12, end_time: null, artifact_uri: '', lifecycle_stage: 'active' });
    assert.deepEqual(run.data, { metrics: [], params: [], tags: [{ key: 'k', value: 'v' }] });
    assert.deepEqual(run.inputs, { dataset_inputs: [] });
  });

  it('names the first malformed write', () => {
    assert.throws(() => decodeWrites({}), /"writes" must be a list/);
    assert.throws(() => decodeWrites([{ op: 'logBatch', run_id: 'r', params: [{ key: 1 }] }]), /writes\[0\]\.params\[0\]\.key must be a string/);
    assert.throws(() => decodeWrites([{ op: 'ensureRun', run: { experiment_id: '0' } }]), /writes\[0\]\.run\.run_id is missing/);
  });

  it("takes credentials from cairn's variables first, then MLflow's", () => {
    assert.deepEqual(trackingAuthFromEnv({ CAIRN_TRACKING_TOKEN: 'a', MLFLOW_TRACKING_TOKEN: 'b' }), { token: 'a' });
    assert.deepEqual(trackingAuthFromEnv({ MLFLOW_TRACKING_TOKEN: 'b', MLFLOW_TRACKING_USERNAME: 'u' }), { token: 'b' });
    assert.deepEqual(trackingAuthFromEnv({ MLFLOW_TRACKING_USERNAME: 'u' }), { username: 'u', password: '' });
    assert.deepEqual(trackingAuthFromEnv({}), {});
  });
});
