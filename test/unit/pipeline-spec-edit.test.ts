import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { addStageToText, paramsEntries, setFrozenInText, stageDefinition } from '../../src/pipeline/stageEdit.js';

describe('stage edits keep the file', () => {
  it('-p specs group like DVC: keys of params.yaml, keys of other files, whole files', () => {
    assert.deepEqual(paramsEntries(['lr,model.depth', 'train.yaml:epochs', 'train.yaml:seed', 'all.json:', 'lr']), [
      'lr', 'model.depth', { 'train.yaml': ['epochs', 'seed'] }, { 'all.json': null },
    ]);
  });

  it('a stage definition lists only the keys used, persistent and uncached outputs with options', () => {
    assert.deepEqual(stageDefinition({ name: 's', cmd: 'x', outs: ['a'], outsNoCache: ['b', 'c'], outsPersist: ['c'], wdir: '.' }), {
      cmd: 'x', outs: ['a', { b: { cache: false } }, { c: { cache: false, persist: true } }],
    });
  });

  it('appends to a file without a final newline, and to a file with no stages key', () => {
    assert.equal(addStageToText('stages:\n  a:\n    cmd: x', { name: 'b', cmd: 'y' }, { file: 'cairn.yaml' }), 'stages:\n  a:\n    cmd: x\n  b:\n    cmd: y\n');
    const text = addStageToText('vars:\n  - {a: 1}\n', { name: 'b', cmd: 'y' }, { file: 'cairn.yaml' });
    assert.deepEqual(parse(text), { vars: [{ a: 1 }], stages: { b: { cmd: 'y' } } });
  });

  it('keeps a four-space indented file four-space indented', () => {
    const text = addStageToText('stages:\n    a:\n        cmd: x\n', { name: 'b', cmd: 'y', deps: ['d'] }, { file: 'cairn.yaml' });
    assert.equal(text, 'stages:\n    a:\n        cmd: x\n    b:\n      cmd: y\n      deps:\n        - d\n');
    assert.deepEqual(parse(text).stages.b, { cmd: 'y', deps: ['d'] });
  });

  it('flow-style stages are edited through the document model and stay valid', () => {
    const text = setFrozenInText('stages: {a: {cmd: x}}\n', ['a'], true, 'cairn.yaml');
    assert.deepEqual(parse(text), { stages: { a: { cmd: 'x', frozen: true } } });
    assert.deepEqual(parse(addStageToText(text, { name: 'b', cmd: 'y' }, { file: 'cairn.yaml' })).stages.b, { cmd: 'y' });
  });

  it('freeze sets an existing frozen: false to true without moving it', () => {
    assert.equal(setFrozenInText('stages:\n  a:\n    frozen: false  # why\n    cmd: x\n', ['a'], true, 'cairn.yaml'), 'stages:\n  a:\n    frozen: true  # why\n    cmd: x\n');
  });

  it('refuses malformed YAML, a non-mapping stages key and bad names', () => {
    assert.throws(() => addStageToText('stages: [\n', { name: 'b', cmd: 'y' }, { file: 'cairn.yaml' }), /not valid YAML/);
    assert.throws(() => addStageToText('stages: [a]\n', { name: 'b', cmd: 'y' }, { file: 'cairn.yaml' }), /must be a mapping/);
    assert.throws(() => addStageToText('', { name: 'b@1', cmd: 'y' }, { file: 'cairn.yaml' }), /bad stage name/);
  });
});
