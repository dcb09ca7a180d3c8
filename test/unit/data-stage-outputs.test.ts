import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkNotStageOutput, findOutputOverlap, ignoredForOutput, type StageOutput } from '../../src/data/stageOutputs.js';
import { tempOwnerPid, TEMP_NAME } from '../../src/data/staleTemp.js';

const out = (path: string, stage = 'train', cache = true): StageOutput => ({ path, stage, file: 'cairn.yaml', cache });
const outputs = [out('model.pkl'), out('data/features', 'prep'), out('metrics.json', 'train', false)];

describe('stage outputs against a tracked path', () => {
  it('finds a path that is, is inside, or contains an output; a sibling with a common prefix is none of them', () => {
    assert.deepEqual(findOutputOverlap('model.pkl', outputs), { output: outputs[0], relation: 'is' });
    assert.deepEqual(findOutputOverlap('data/features/x.csv', outputs), { output: outputs[1], relation: 'inside' });
    assert.deepEqual(findOutputOverlap('data', outputs), { output: outputs[1], relation: 'contains' });
    assert.equal(findOutputOverlap('data/features-old', outputs), null);
    assert.equal(findOutputOverlap('model.pkl.bak', outputs), null);
  });

  it('refuses with CONFLICT naming the stage, the pipeline file and the command', () => {
    assert.throws(() => checkNotStageOutput('data/features/x.csv', outputs, 'move'), (err: Error & { code?: string; hint?: string }) => {
      assert.equal(err.code, 'CONFLICT');
      assert.match(err.message, /data\/features\/x\.csv is inside data\/features, an output of stage "prep" in cairn\.yaml, so cairn move cannot track it too/);
      assert.match(err.hint!, /cairn repro prep/);
      return true;
    });
    assert.doesNotThrow(() => checkNotStageOutput('raw.csv', outputs));
  });

  it('keeps an ignore entry only for cached outputs the path is or sits in', () => {
    assert.equal(ignoredForOutput('model.pkl', outputs), outputs[0]);
    assert.equal(ignoredForOutput('data/features/x', outputs), outputs[1]);
    assert.equal(ignoredForOutput('data', outputs), null, 'a folder that contains an output: the output needs its own entry');
    assert.equal(ignoredForOutput('metrics.json', outputs), null, 'cache: false outputs are Git files');
  });
});

describe('cairn temp file names', () => {
  it('reads the pid only from exactly the names cairn writes', () => {
    assert.equal(tempOwnerPid('.a.csv.tmp-4242-0-7'), 4242);
    assert.equal(tempOwnerPid('.model.bin.tmp-17-9f0c2a1b'), 17);
    assert.equal(tempOwnerPid('.backup.tmp-2024-01'), null);
    assert.equal(tempOwnerPid('.notes.tmp-draft'), null);
    assert.equal(tempOwnerPid('a.csv.tmp-4242-0-7'), null);
  });

  it('skips (but does not claim) the wider family of temp-looking names', () => {
    assert.ok(TEMP_NAME.test('.backup.tmp-2024-01'));
    assert.ok(!TEMP_NAME.test('.notes.tmp-draft'));
  });
});
