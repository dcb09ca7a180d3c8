import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CairnError } from '../../src/core/errors.js';
import { applyParamChanges } from '../../src/experiments/applyParamChanges.js';
import { expandGrid, parseOverride } from '../../src/experiments/overrides.js';

const changes = (...args: string[]) => expandGrid(args.map(parseOverride))[0];
const YAML = `# training settings
train:
  lr: 0.1 # the learning rate
  depth: 3
  layers: [64, 32]
prepare:
  split: 0.2
`;

describe('applying -S changes to params files', () => {
  it('changes YAML values in place and keeps comments, order and style', () => {
    const out = applyParamChanges(YAML, 'params.yaml', changes('train.lr=0.3', 'train.layers.1=16'));
    assert.equal(out, YAML.replace('lr: 0.1', 'lr: 0.3').replace('[64, 32]', '[64, 16]'));
  });

  it('adds with +, adds or changes with ++, removes with ~', () => {
    const out = applyParamChanges(YAML, 'params.yaml', changes('+train.seed=7', '++prepare.split=0.3', '~train.depth'));
    assert.match(out, /seed: 7/);
    assert.match(out, /split: 0.3/);
    assert.doesNotMatch(out, /depth/);
    assert.match(out, /# the learning rate/);
  });

  it('refuses an unknown key with a did-you-mean, and + of a key that exists', () => {
    assert.throws(() => applyParamChanges(YAML, 'params.yaml', changes('train.lrr=1')), (e: unknown) =>
      e instanceof CairnError && e.code === 'NOT_FOUND' && /train\.lrr is not in params\.yaml/.test(e.message) && /did you mean train\.lr\?/.test(e.hint!) && /\+train\.lrr=/.test(e.hint!));
    assert.throws(() => applyParamChanges(YAML, 'params.yaml', changes('~nothing.here')), /not in params\.yaml/);
    assert.throws(() => applyParamChanges(YAML, 'params.yaml', changes('+train.lr=1')), (e: unknown) => e instanceof CairnError && e.code === 'CONFLICT');
    assert.throws(() => applyParamChanges(YAML, 'params.yaml', changes('+train.lr.x=1')), /train\.lr is a value, not a mapping/);
  });

  it('edits JSON keeping its indentation, and TOML', () => {
    const json = '{\n    "a": {\n        "b": 1\n    }\n}\n';
    assert.equal(applyParamChanges(json, 'p.json', changes('a.b=2')), '{\n    "a": {\n        "b": 2\n    }\n}\n');
    assert.throws(() => applyParamChanges(json, 'p.json', changes('a.c=2')), /a\.c is not in p\.json/);
    const toml = applyParamChanges('[train]\nlr = 0.1\n', 'p.toml', changes('train.lr=0.5', '+train.opt=adam'));
    assert.match(toml, /lr = 0\.5/);
    assert.match(toml, /opt = "adam"/);
  });

  it('creates a missing file only to add params, and refuses other file kinds and broken files', () => {
    assert.equal(applyParamChanges(null, 'new.yaml', changes('+a.b=1')), 'a:\n  b: 1\n');
    assert.throws(() => applyParamChanges(null, 'new.yaml', changes('a.b=1')), /does not exist/);
    assert.throws(() => applyParamChanges('x', 'params.py', changes('a=1')), /cannot set params in params\.py/);
    assert.throws(() => applyParamChanges('a: [1', 'params.yaml', changes('a=1')), /not valid YAML/);
    assert.throws(() => applyParamChanges('{"a":', 'p.json', changes('a=1')), /cannot be read/);
  });
});
