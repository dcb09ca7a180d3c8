import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFilter } from '../../src/tracking/filter/index.js';
import { applySuggestion, checkFilter, suggestKeys } from '../../web/src/lib/filterBox';

const KEYS = { params: ['optimizer', 'lr'], metrics: ['loss', 'val loss', 'acc'], tags: ['team', 'mlflow.user'] };

test('checkFilter: the server parser decides, and a problem names its column', () => {
  assert.equal(checkFilter(''), null);
  assert.equal(checkFilter("metrics.acc > 0.9 and (params.optimizer = 'adam' or tags.team LIKE 'v%')"), null);
  const p = checkFilter('metrics.acc > 0.9 and foo.bar = 1');
  assert.equal(p?.column, 23);
  assert.match(p!.message, /unknown key type "foo"/);
  // The same column the server's parser puts in its error's data.
  try {
    parseFilter('metrics.acc > 0.9 and foo.bar = 1', 'runs');
    assert.fail('parses');
  } catch (err) {
    assert.equal((err as { data: { column: number } }).data.column, p!.column);
  }
  assert.equal(checkFilter("params.lr = 'open")?.column, 13);
});

test('suggestKeys: after a prefix its keys, for a bare word the prefixes and matching keys, none where a value goes', () => {
  assert.deepEqual(suggestKeys('metrics.', 8, KEYS).items, ['metrics.loss', 'metrics.`val loss`', 'metrics.acc']);
  assert.deepEqual(suggestKeys('metrics.l', 9, KEYS).items, ['metrics.loss']);
  assert.deepEqual(suggestKeys('params.o', 8, KEYS), { from: 0, to: 8, items: ['params.optimizer'] });
  assert.deepEqual(suggestKeys('opt', 3, KEYS).items, ['params.optimizer']);
  assert.deepEqual(suggestKeys('', 0, KEYS).items, ['metrics.', 'params.', 'tags.', 'attributes.']);
  assert.deepEqual(suggestKeys('attributes.st', 13, KEYS).items, ['attributes.status', 'attributes.start_time']);
  assert.deepEqual(suggestKeys('metrics.acc > ', 14, KEYS).items, [], 'a value goes here');
  assert.deepEqual(suggestKeys('metrics.acc > 0.5', 17, KEYS).items, []);
  assert.deepEqual(suggestKeys("params.optimizer = 'ad", 22, KEYS).items, [], 'inside a string');
  assert.deepEqual(suggestKeys('metrics.acc > 1 and ', 20, KEYS).items, ['metrics.', 'params.', 'tags.', 'attributes.']);
  assert.deepEqual(suggestKeys('metrics.loss', 12, KEYS).items, [], 'a complete key needs nothing');
});

test('applySuggestion replaces the word under the cursor, also mid-text', () => {
  const text = 'metrics.l > 1 and params.lr = 2';
  const s = suggestKeys(text, 9, KEYS);
  assert.deepEqual(applySuggestion(text, s, s.items[0]), { text: 'metrics.loss > 1 and params.lr = 2', cursor: 12 });
  const mid = suggestKeys('metrics.lo > 1', 9, KEYS);
  assert.deepEqual(applySuggestion('metrics.lo > 1', mid, 'metrics.loss'), { text: 'metrics.loss > 1', cursor: 12 });
});
