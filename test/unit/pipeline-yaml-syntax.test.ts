import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePipelineText, resolvePipeline } from '../../src/pipeline/loadPipeline.js';
import { parseStructured } from '../../src/pipeline/params.js';
import { codeFrame } from '../../src/pipeline/syntaxError.js';
import { fails } from '../helpers/cairnError.js';

describe('YAML anchors and merge keys', () => {
  it('cairn.yaml stages share settings through `<<: *defaults`', () => {
    // The anchor sits on the first stage (dvc.yaml, like cairn.yaml, has no free top-level keys to hold it).
    const text = [
      'stages:',
      '  a: &defaults',
      '    cmd: echo a > a.txt',
      '    deps: [data.csv]',
      '    outs: [a.txt]',
      '  b:',
      '    <<: *defaults',
      '    cmd: echo b > b.txt',
      '    outs: [b.txt]',
    ].join('\n');
    const p = resolvePipeline(parsePipelineText(text, 'cairn.yaml'), { file: 'cairn.yaml', readData: () => undefined });
    assert.deepEqual(p.stages.get('b')!.deps, ['data.csv']);
    // A key written beside the merge wins over the merged one, as in YAML 1.1.
    assert.deepEqual(p.stages.get('b')!.outs.map((o) => o.path), ['b.txt']);
    assert.equal(p.stages.get('b')!.cmd[0], 'echo b > b.txt');
  });

  it('params files resolve merge keys', () => {
    const data = parseStructured('base: &base {lr: 0.1, depth: 3}\ntrain:\n  <<: *base\n  depth: 5\n', 'params.yaml');
    assert.deepEqual(data, { base: { lr: 0.1, depth: 3 }, train: { lr: 0.1, depth: 5 } });
  });
});

describe('syntax errors show the offending line', () => {
  it('a YAML error in cairn.yaml ends with a code frame, not a dangling "at line"', () => {
    const err = fails(() => parsePipelineText('stages:\n  a:\n    cmd: x\n  b: [\n', 'cairn.yaml'), /./);
    assert.equal(err.code, 'INVALID');
    assert.doesNotMatch(err.message, /column \d+:\s*$/);
    assert.match(err.message, /^cairn\.yaml is not valid YAML \(line \d+, column \d+\): /);
    assert.match(err.message, /\n +4 \| {3}b: \[\n/);
    assert.match(err.message, /\| +\^$/);
    assert.equal(err.hint, 'fix the syntax of cairn.yaml');
  });

  it('params files in YAML, JSON and TOML point at the line', () => {
    const yaml = fails(() => parseStructured('a: 1\nb: : 2\n', 'params.yaml'), /./);
    assert.match(yaml.message, /params\.yaml is not valid YAML \(line 2, column \d+\)/);
    assert.match(yaml.message, /2 \| b: : 2\n.*\^/);
    const json = fails(() => parseStructured('{\n  "a": 1,\n}\n', 'm.json'), /./);
    assert.match(json.message, /m\.json is not valid JSON \(line 3, column 1\)/);
    assert.match(json.message, /3 \| }\n\s+\| \^/);
    const toml = fails(() => parseStructured('a = 1\nb = [\n', 'p.toml'), /./);
    assert.match(toml.message, /p\.toml is not valid TOML \(line \d+, column \d+\): invalid value/);
  });

  it('codeFrame numbers the lines and puts the caret under the column', () => {
    assert.equal(codeFrame('one\ntwo\nthree', 3, 2), '  2 | two\n  3 | three\n    |  ^');
    assert.equal(codeFrame('one', 1, 1), '  1 | one\n    | ^');
    // Past the end (an unterminated block): the caret goes after the last line.
    assert.equal(codeFrame('a: [', 2, 1), '  1 | a: [\n    |     ^');
  });
});

describe('hints are single lines', () => {
  it('no hint prints a literal backslash-n', () => {
    const err = fails(() => resolvePipeline({ stages: [] as unknown as Record<string, unknown> }, { file: 'cairn.yaml', readData: () => undefined }), /./);
    assert.doesNotMatch(err.hint ?? '', /\\n/);
    const err2 = fails(() => resolvePipeline({ stages: { a: 'x' } }, { file: 'cairn.yaml', readData: () => undefined }), /./);
    assert.doesNotMatch(err2.hint ?? '', /\\n/);
    const err3 = fails(() => resolvePipeline({ stages: { a: { cmd: 'x', deps: 'd' } } }, { file: 'cairn.yaml', readData: () => undefined }), /./);
    assert.doesNotMatch(err3.hint ?? '', /\\n/);
  });
});
