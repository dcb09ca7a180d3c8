import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { parsePlotFile } from '../../src/experiments/plots/parsePlotFile.js';

function fails(fn: () => unknown, pattern: RegExp): CairnError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CairnError, String(err));
    assert.equal(err.code, 'INVALID', err.message);
    assert.match(`${err.message}\n${err.hint ?? ''}`, pattern);
    return err;
  }
  assert.fail(`expected an error matching ${pattern}`);
}

describe('reading plot files', () => {
  it('CSV rows have typed numbers, text as written and null for empty cells', () => {
    const rows = parsePlotFile('epoch,loss,note\n1,0.5,start\n2,-1.5e-3,\n', 'logs.csv');
    assert.deepEqual(rows, [
      { epoch: 1, loss: 0.5, note: 'start' },
      { epoch: 2, loss: -0.0015, note: null },
    ]);
  });

  it('CSV follows RFC 4180 quoting, CRLF line ends, a BOM and blank trailing lines', () => {
    const rows = parsePlotFile('\uFEFFname,"value"\r\n"a, b",1\r\n"say ""hi""",2\r\n"two\nlines",3\r\n\r\n', 'q.csv');
    assert.deepEqual(rows, [
      { name: 'a, b', value: 1 },
      { name: 'say "hi"', value: 2 },
      { name: 'two\nlines', value: 3 },
    ]);
  });

  it('TSV is split on tabs (as DVCLive writes dvclive/plots/metrics/*.tsv)', () => {
    assert.deepEqual(parsePlotFile('step\tloss\n0\t0.9\n1\t0.7\n', 'dvclive/plots/metrics/train/loss.tsv'), [
      { step: 0, loss: 0.9 },
      { step: 1, loss: 0.7 },
    ]);
  });

  it('a CSV line with too many or too few fields names the file and the line', () => {
    const err = fails(() => parsePlotFile('a,b\n1,2\n3\n4,5\n', 'logs.csv'), /logs\.csv, line 3: 1 fields where the header has 2/);
    assert.deepEqual(err.data, { file: 'logs.csv', line: 3 });
    fails(() => parsePlotFile('a,b\n1,2,3\n', 'logs.csv'), /line 2: 3 fields/);
    // Line numbers count the lines inside quoted fields.
    fails(() => parsePlotFile('a,b\n"x\ny",1\n1\n', 'logs.csv'), /line 4/);
  });

  it('an unclosed quote, an empty file, a nameless or repeated column are errors naming the file', () => {
    fails(() => parsePlotFile('a,b\n1,"open\n2,3\n', 'logs.csv'), /logs\.csv, line 2: a quoted field is never closed/);
    fails(() => parsePlotFile('\n\n', 'logs.csv'), /logs\.csv is empty/);
    fails(() => parsePlotFile('a,,c\n1,2,3\n', 'logs.csv'), /line 1: column 2 of the header has no name/);
    fails(() => parsePlotFile('a,a\n1,2\n', 'logs.csv'), /names column "a" twice/);
  });

  it('JSON: a list of records, or the first list of records inside a mapping (DVC and DVCLive files)', () => {
    assert.deepEqual(parsePlotFile('[{"x": 1, "y": 2}]', 'p.json'), [{ x: 1, y: 2 }]);
    const roc = parsePlotFile('{"roc": [{"fpr": 0, "tpr": 0, "threshold": 1.5}, {"fpr": 1, "tpr": 1, "threshold": 0}]}', 'plots/sklearn/roc/train.json');
    assert.deepEqual(roc[1], { fpr: 1, tpr: 1, threshold: 0 });
    assert.deepEqual(parsePlotFile('{"meta": {"n": 2}, "deep": {"data": [{"a": 1}]}}', 'p.json'), [{ a: 1 }]);
    // Nested values become dotted fields; lists inside a record are left out.
    assert.deepEqual(parsePlotFile('[{"step": 1, "val": {"loss": 0.2}, "hist": [1, 2]}]', 'p.json'), [{ step: 1, 'val.loss': 0.2 }]);
  });

  it('YAML: the same shapes', () => {
    assert.deepEqual(parsePlotFile('- {actual: cat, predicted: dog}\n- {actual: dog, predicted: dog}\n', 'cm.yaml'), [
      { actual: 'cat', predicted: 'dog' },
      { actual: 'dog', predicted: 'dog' },
    ]);
    assert.deepEqual(parsePlotFile('train:\n  - step: 0\n    acc: 0.5\n', 'acc.yml'), [{ step: 0, acc: 0.5 }]);
  });

  it('JSON or YAML without records, with a non-record entry, or not parsing at all are clear errors', () => {
    fails(() => parsePlotFile('{"acc": 0.9}', 'm.json'), /m\.json holds no list of records/);
    fails(() => parsePlotFile('[{"a": 1}, 3]', 'm.json'), /m\.json: entry 2 of the list is 3, not a record/);
    fails(() => parsePlotFile('[{"a": 1},', 'm.json'), /m\.json is not valid JSON/);
    fails(() => parsePlotFile('a: [1\n', 'm.yaml'), /m\.yaml is not valid YAML/);
    fails(() => parsePlotFile('', 'empty.yaml'), /empty\.yaml holds no list of records/);
  });

  it('errors name the revision when the file was read at one', () => {
    fails(() => parsePlotFile('[{"a": 1},', 'm.json', 'm.json at HEAD~1'), /^m\.json at HEAD~1 is not valid JSON/);
    fails(() => parsePlotFile('a\n1,2\n', 'logs.csv', 'logs.csv at v1'), /^logs\.csv at v1, line 2/);
  });

  it('other extensions are refused with the list of formats', () => {
    fails(() => parsePlotFile('x', 'loss.txt'), /loss\.txt is not a plot file cairn can read \(\.txt\)[^]*\.csv, \.tsv, \.json, \.yaml, \.yml \(data\) or \.png, \.jpg, \.jpeg, \.gif, \.svg \(images\)/);
  });
});
