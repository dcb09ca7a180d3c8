import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { expandGrid, parseOverride } from '../../src/experiments/overrides.js';

const fails = (text: string, pattern: RegExp) => assert.throws(() => parseOverride(text), (e: unknown) => e instanceof CairnError && e.code === 'USAGE' && pattern.test(e.message + ' ' + e.hint));

describe('-S overrides (Hydra grammar, as DVC takes it)', () => {
  it('reads key=value with typed values', () => {
    assert.deepEqual(parseOverride('train.lr=0.3'), { file: null, key: 'train.lr', op: 'set', values: [0.3], text: 'train.lr=0.3' });
    assert.deepEqual(parseOverride('a=true').values, [true]);
    assert.deepEqual(parseOverride('a=null').values, [null]);
    assert.deepEqual(parseOverride('a=adam').values, ['adam']);
    assert.deepEqual(parseOverride('a=1e-3').values, [0.001]);
    assert.deepEqual(parseOverride('a=-2').values, [-2]);
    assert.deepEqual(parseOverride("a='0.1,0.2'").values, ['0.1,0.2'], 'a quoted comma is not a sweep');
    assert.deepEqual(parseOverride('a=[64,32]').values, [[64, 32]]);
    assert.deepEqual(parseOverride('a={name:adam,lr:0.1}').values, [{ name: 'adam', lr: 0.1 }]);
    assert.deepEqual(parseOverride('a=').values, ['']);
  });

  it('reads the file, and the +, ++ and ~ forms', () => {
    assert.deepEqual(parseOverride('other.yaml:a.b=1'), { file: 'other.yaml', key: 'a.b', op: 'set', values: [1], text: 'other.yaml:a.b=1' });
    assert.equal(parseOverride('+new.key=1').op, 'add');
    assert.equal(parseOverride('++new.key=1').op, 'force');
    assert.deepEqual(parseOverride('~old.key'), { file: null, key: 'old.key', op: 'delete', values: [], text: '~old.key' });
    assert.equal(parseOverride('layers.0=8').key, 'layers.0');
  });

  it('reads sweeps: comma lists, choice() and range() with the stop excluded', () => {
    assert.deepEqual(parseOverride('train.lr=0.1,0.01').values, [0.1, 0.01]);
    assert.deepEqual(parseOverride('opt=choice(adam, sgd)').values, ['adam', 'sgd']);
    assert.deepEqual(parseOverride('depth=range(2,8,2)').values, [2, 4, 6]);
    assert.deepEqual(parseOverride('depth=range(3)').values, [0, 1, 2]);
    assert.deepEqual(parseOverride('x=range(0, 1, 0.25)').values, [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(parseOverride('x=range(0.1, 0.4, 0.1)').values, [0.1, 0.2, 0.3], 'no 0.30000000000000004');
    assert.deepEqual(parseOverride('x=range(5, 1, -2)').values, [5, 3]);
    assert.deepEqual(parseOverride('a=[1,2],[3]').values, [[1, 2], [3]]);
  });

  it('refuses malformed overrides with a clear message', () => {
    fails('', /empty/);
    fails('train.lr', /no "="/);
    fails('=3', /not a param key/);
    fails('train..lr=3', /not a param key/);
    fails('1abc=3', /not a param key/);
    fails('params.txt:a=1', /not a params file/);
    fails('a=range(1,2,0)', /step must not be 0/);
    fails('a=range(5,1)', /empty/);
    fails('a=range(a,b)', /takes numbers/);
    fails('a=range(1,2,3,4)', /1 to 3/);
    fails('a=range(0,1e9)', /values/);
    fails('a=glob(*)', /unknown sweep function "glob"/);
    fails('a=[1,2', /unbalanced|end with/);
    fails("a='open", /unterminated/);
    fails('a={x}', /key:value/);
    fails('a=choice()', /needs values/);
  });
});

describe('grid expansion', () => {
  it('gives every combination, the first override varying slowest', () => {
    const grid = expandGrid([parseOverride('lr=0.1,0.01'), parseOverride('depth=range(2,6,2)'), parseOverride('opt=adam')]);
    assert.deepEqual(grid.map((g) => g.map((c) => c.value)), [[0.1, 2, 'adam'], [0.1, 4, 'adam'], [0.01, 2, 'adam'], [0.01, 4, 'adam']]);
  });

  it('is one experiment without sweeps, and keeps deletes', () => {
    assert.deepEqual(expandGrid([parseOverride('~a'), parseOverride('b=1')]), [[{ file: null, key: 'a', op: 'delete' }, { file: null, key: 'b', op: 'set', value: 1 }]]);
    assert.deepEqual(expandGrid([]), [[]]);
  });

  it('refuses a key set twice and a grid that is too large', () => {
    assert.throws(() => expandGrid([parseOverride('a=1'), parseOverride('a=2')]), /set twice/);
    assert.throws(() => expandGrid([parseOverride('a=range(1000)'), parseOverride('b=range(1000)')]), /1000000 experiments/);
  });
});
