import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Repo } from '../../src/core/repo.js';
import { findPipelineFiles, lockPathOf, pipelineFileOfLock, sortPipelineFiles, stageAddress } from '../../src/data/findPipelineFiles.js';
import { resolveTarget } from '../../src/pipeline/dag.js';
import { mergePipelines, resolvePipeline } from '../../src/pipeline/loadPipeline.js';
import { validatePipeline } from '../../src/pipeline/validate.js';
import type { Pipeline } from '../../src/pipeline/types.js';
import { fails } from '../helpers/cairnError.js';
import { tempDir, writeTree } from '../helpers/cli.js';

const load = (file: string, yaml: string, files: Record<string, unknown> = {}): Pipeline =>
  resolvePipeline(parse(yaml), { file, readData: (f) => files[f] });

describe('pipeline files and addresses', () => {
  it('locks sit beside their pipeline file; the root file comes first', () => {
    assert.equal(lockPathOf('cairn.yaml'), 'cairn.lock');
    assert.equal(lockPathOf('a/b/cairn.yaml'), 'a/b/cairn.lock');
    assert.equal(pipelineFileOfLock('a/cairn.lock'), 'a/cairn.yaml');
    assert.equal(stageAddress('cairn.yaml', 'train'), 'train');
    assert.equal(stageAddress('a/cairn.yaml', 'train'), 'a/cairn.yaml:train');
    assert.deepEqual(sortPipelineFiles(['b/cairn.yaml', 'a/cairn.yaml', 'cairn.yaml', 'a/cairn.yaml']), ['cairn.yaml', 'a/cairn.yaml', 'b/cairn.yaml']);
  });

  it('a file in a subfolder resolves paths, wdir, vars and params relative to its folder', () => {
    const p = load('train/cairn.yaml', `
vars: [conf.yaml]
stages:
  fit:
    cmd: python fit.py \${model}
    deps: [fit.py, ../data]
    params: [lr]
    outs: [model.pkl]
  up:
    wdir: ..
    cmd: make
    outs: [top.txt]
`, { 'train/conf.yaml': { model: 'tiny' }, 'train/params.yaml': { lr: 0.1 } });
    const fit = p.stages.get('train/cairn.yaml:fit')!;
    assert.equal(fit.localName, 'fit');
    assert.equal(fit.wdir, 'train');
    assert.deepEqual(fit.cmd, ['python fit.py tiny']);
    assert.deepEqual(fit.deps, ['train/fit.py', 'data']);
    assert.deepEqual(fit.params, [{ file: 'train/params.yaml', keys: ['lr'] }]);
    assert.deepEqual(fit.outs.map((o) => o.path), ['train/model.pkl']);
    // wdir may lead back up to the repository root.
    const up = p.stages.get('train/cairn.yaml:up')!;
    assert.equal(up.wdir, '.');
    assert.deepEqual(up.outs.map((o) => o.path), ['top.txt']);
  });

  it('errors in a sub file name the file', () => {
    fails(() => load('train/cairn.yaml', 'stages:\n  fit: {cmd: x, dep: [y]}\n'), /^train\/cairn\.yaml: unknown key "dep" in stage "fit"/, 'INVALID');
    fails(() => load('train/cairn.yaml', 'stages:\n  fit: {cmd: x, outs: [../../m]}\n'), /outside the repository/, 'INVALID');
  });

  it('merged pipelines check outputs across files', () => {
    const root = load('cairn.yaml', 'stages:\n  a: {cmd: x, outs: [data]}\n');
    const sub = load('s/cairn.yaml', 'stages:\n  b: {cmd: y, outs: [../data/part]}\n');
    fails(() => validatePipeline(mergePipelines([root, sub])), /"data\/part" of stage "s\/cairn\.yaml:b" is inside output "data" of stage "a"/, 'INVALID');
  });

  it('targets: addresses, cairn.yaml:name, unique bare names, groups, whole files, and ambiguity', () => {
    const p = mergePipelines([
      load('cairn.yaml', 'stages:\n  prep: {cmd: x, outs: [p]}\n  train: {cmd: x, outs: [t]}\n'),
      load('a/cairn.yaml', 'stages:\n  fit: {cmd: x, outs: [f]}\n  build:\n    foreach: [us, eu]\n    do: {cmd: x, outs: ["o-${item}"]}\n  train: {cmd: x, outs: [t]}\n'),
      load('b/cairn.yaml', 'stages:\n  fit: {cmd: x, outs: [f]}\n'),
    ]);
    assert.deepEqual(resolveTarget(p, 'prep'), ['prep']);
    assert.deepEqual(resolveTarget(p, 'cairn.yaml:train'), ['train']);
    // The root file's bare name is its address, so `train` is not ambiguous.
    assert.deepEqual(resolveTarget(p, 'train'), ['train']);
    assert.deepEqual(resolveTarget(p, 'a/cairn.yaml:fit'), ['a/cairn.yaml:fit']);
    assert.deepEqual(resolveTarget(p, 'build'), ['a/cairn.yaml:build@eu', 'a/cairn.yaml:build@us']);
    assert.deepEqual(resolveTarget(p, 'build@us'), ['a/cairn.yaml:build@us']);
    assert.deepEqual(resolveTarget(p, 'b/cairn.yaml'), ['b/cairn.yaml:fit']);
    fails(() => resolveTarget(p, 'fit'), /"fit" names stages in 2 pipeline files: a\/cairn\.yaml:fit, b\/cairn\.yaml:fit/, 'USAGE');
    fails(() => resolveTarget(p, 'nope'), /no stage named "nope"/, 'NOT_FOUND');
  });

  it('without Git, one walk finds them and skips .cairnignore\'d folders, .git, .cairn and folders tracked as data', async (t) => {
    const tmp = tempDir();
    t.after(() => tmp.cleanup());
    writeTree(tmp.dir, {
      'cairn.yaml': '', 'a/cairn.yaml': '', 'a/deep/er/cairn.yaml': '', 'skip/cairn.yaml': '', 'a/x/cairn.yaml': '',
      '.cairn/tmp/cairn.yaml': '', '.git/cairn.yaml': '', '.cairnignore': 'skip/\n', 'a/.cairnignore': 'x\n',
      'data/cairn.yaml': '', 'data.cairn': '',
    });
    const repo = { root: tmp.dir, git: false } as Repo;
    assert.deepEqual(await findPipelineFiles(repo), ['cairn.yaml', 'a/cairn.yaml', 'a/deep/er/cairn.yaml']);
  });
});
