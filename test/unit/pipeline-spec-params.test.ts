import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flattenKeys, parseStructured, selectParams } from '../../src/pipeline/params.js';
import { interpolateString, lookupKey } from '../../src/pipeline/interpolate.js';

describe('params files', () => {
  it('parses YAML, JSON and TOML by extension', () => {
    assert.deepEqual(parseStructured('a:\n  b: 1\n', 'p.yaml'), { a: { b: 1 } });
    assert.deepEqual(parseStructured('{"a": {"b": 1}}', 'p.json'), { a: { b: 1 } });
    assert.deepEqual(JSON.parse(JSON.stringify(parseStructured('[a]\nb = 1\n', 'p.toml'))), { a: { b: 1 } });
    assert.deepEqual(parseStructured('', 'p.yaml'), {});
    assert.throws(() => parseStructured('{bad', 'p.json'), /p\.json is not valid JSON/);
  });

  it('selects dotted keys (and list indexes), or every top-level key for a whole file', () => {
    const data = { lr: 0.1, model: { depth: 3, layers: [{ units: 8 }] } };
    assert.deepEqual(selectParams(data, { file: 'p.yaml', keys: ['lr', 'model.depth', 'model.layers[0].units'] }), {
      lr: 0.1, 'model.depth': 3, 'model.layers[0].units': 8,
    });
    assert.deepEqual(selectParams(data, { file: 'p.yaml', keys: null }), data);
    assert.throws(() => selectParams(data, { file: 'p.yaml', keys: ['model.width'] }), /"model\.width" missing from p\.yaml/);
    assert.deepEqual(selectParams(data, { file: 'p.yaml', keys: ['nope', 'lr'] }, 'skip'), { lr: 0.1 });
  });

  it('flattens nested values to dotted keys', () => {
    assert.deepEqual(flattenKeys({ a: { b: 1, c: { d: [1, 2] } }, e: 'x' }), { 'a.b': 1, 'a.c.d': [1, 2], e: 'x' });
  });
});

describe('interpolation', () => {
  it('keeps types for a whole placeholder and stringifies inside text', () => {
    const ctx = { n: 3, l: [1, 2], b: true };
    assert.equal(interpolateString('${n}', ctx, { stage: 's', field: 'deps' }), 3);
    assert.deepEqual(interpolateString('${ l }', ctx, { stage: 's', field: 'deps' }), [1, 2]);
    assert.equal(interpolateString('n=${n} b=${b}', ctx, { stage: 's', field: 'deps' }), 'n=3 b=true');
    assert.equal(interpolateString('run ${l}', ctx, { stage: 's', field: 'cmd' }), 'run 1 2');
    assert.equal(lookupKey(ctx, 'l[5]').found, false);
  });
});
