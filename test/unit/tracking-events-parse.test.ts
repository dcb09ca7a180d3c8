import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { parseEventLine } from '../../src/tracking/events/parseEventLine.js';

const RUN = 'a'.repeat(32);

function bad(line: string, pattern: RegExp): void {
  assert.throws(() => parseEventLine(line), (err: unknown) => {
    assert.ok(err instanceof CairnError, String(err));
    assert.equal(err.code, 'USAGE');
    assert.match(err.message, pattern);
    return true;
  });
}

describe('events file lines', () => {
  it('reads every kind of line in the spec', () => {
    assert.deepEqual(parseEventLine(`{"run": {"id": "${RUN}", "name": "n", "experiment": "e", "parent": "${'b'.repeat(32)}", "start_time": 5, "tags": {"k": "v"}}}`), {
      kind: 'run', run_id: RUN, name: 'n', experiment: 'e', parent: 'b'.repeat(32), start_time: 5, tags: [{ key: 'k', value: 'v' }],
    });
    assert.deepEqual(parseEventLine('{"metric": "loss", "value": 0.31, "step": 5}'), { kind: 'metrics', points: [{ key: 'loss', value: 0.31 }], step: 5 });
    assert.deepEqual(parseEventLine('{"metrics": {"a": 1, "b": "NaN"}, "timestamp": 7}'), { kind: 'metrics', points: [{ key: 'a', value: 1 }, { key: 'b', value: NaN }], step: 0, timestamp: 7 });
    assert.deepEqual(parseEventLine(`{"param": "lr", "value": 0.1, "run_id": "${RUN}"}`), { kind: 'params', run_id: RUN, params: [{ key: 'lr', value: '0.1' }] });
    assert.deepEqual(parseEventLine('{"params": {"deep": true, "opt": "adam"}}'), { kind: 'params', params: [{ key: 'deep', value: 'true' }, { key: 'opt', value: 'adam' }] });
    assert.deepEqual(parseEventLine('{"tag": "team", "value": "a"}'), { kind: 'tags', tags: [{ key: 'team', value: 'a' }] });
    assert.deepEqual(parseEventLine('{"tags": {"x": "1"}}'), { kind: 'tags', tags: [{ key: 'x', value: '1' }] });
    assert.deepEqual(parseEventLine('{"artifact": "plots/", "path": "figs"}'), { kind: 'artifact', source: 'plots/', path: 'figs' });
    assert.deepEqual(parseEventLine('{"dataset": {"name": "train", "digest": "abc", "context": "training"}}'), { kind: 'dataset', dataset: { name: 'train', digest: 'abc', context: 'training' } });
    assert.deepEqual(parseEventLine('{"end": {"status": "FAILED", "end_time": 9}}'), { kind: 'end', status: 'FAILED', end_time: 9 });
  });

  it('accepts the infinities as strings, and bare NaN/Infinity as Python writes them', () => {
    assert.equal((parseEventLine('{"metric": "a", "value": "-Infinity"}') as { points: Array<{ value: number }> }).points[0].value, -Infinity);
    assert.ok(Number.isNaN((parseEventLine('{"metric": "a", "value": NaN}') as { points: Array<{ value: number }> }).points[0].value));
    assert.equal((parseEventLine('{"metric": "a", "value": Infinity, "step": 1}') as { points: Array<{ value: number }> }).points[0].value, Infinity);
  });

  it('refuses malformed lines with a message saying what is wrong', () => {
    bad('{"metric": "loss", "value": 0.3', /not valid JSON/);
    bad('[1, 2]', /must be a JSON object/);
    bad('{"value": 1}', /no kind key/);
    bad('{"metric": "a", "param": "b", "value": 1}', /exactly one kind key; this one has "metric" and "param"/);
    bad('{"metric": "a", "value": "high"}', /needs a number/);
    bad('{"metric": "a b!", "value": 1}', /characters MLflow does not allow/);
    bad('{"metric": "a", "value": 1, "step": 1.5}', /"step" must be a whole number/);
    bad('{"metric": "a", "value": 1, "run_id": "xyz"}', /not a run id/);
    bad('{"param": "p", "value": null}', /string, number or boolean/);
    bad(`{"param": "p", "value": "${'x'.repeat(6001)}"}`, /longer than 6000/);
    bad('{"tag": "t", "value": 3}', /needs a string value/);
    bad('{"run": {"id": "abc", "start_time": 1}}', /not a run id/);
    bad(`{"run": {"id": "${RUN}"}}`, /"run.start_time" must be a time/);
    bad('{"end": {"status": "RUNNING", "end_time": 1}}', /"end.status" must be one of FINISHED, FAILED, KILLED/);
    bad('{"dataset": {"name": "d"}}', /"dataset.digest" must be a non-empty string/);
    bad('{"artifact": ""}', /must be the path/);
    bad('{"metrics": {}}', /"metrics" is empty/);
    for (const key of ['a//b', 'a/', '/a', '..a', 'a/./b', 'a/../b', '.']) bad(JSON.stringify({ metric: key, value: 1 }), /normalised path/);
  });
});
