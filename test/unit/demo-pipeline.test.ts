import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT, tempDir, writeTree } from '../helpers/cli.js';
import { tinyCorpus } from '../helpers/demoCorpus.js';

const PIPELINE = path.join(PROJECT_ROOT, 'demo', 'pipeline');

function python(cwd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('python3', args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function runPipeline(dir: string): void {
  for (const args of [
    ['pipeline/prepare.py', 'data/mail', 'prepared'],
    ['pipeline/train.py', 'prepared/train.jsonl', 'model/model.json'],
    ['pipeline/evaluate.py', 'model/model.json', 'prepared/test.jsonl', 'metrics.json', 'plots'],
  ]) {
    const r = python(dir, args);
    assert.equal(r.code, 0, `${args[0]} failed: ${r.stderr}`);
  }
}

describe('the demo pipeline (Python, standard library only)', () => {
  const tmp = tempDir('cairn-demo-py-');
  const work = path.join(tmp.dir, 'work');
  after(() => tmp.cleanup());
  before(() => {
    writeTree(path.join(work, 'data', 'mail'), tinyCorpus());
    cpSync(PIPELINE, path.join(work, 'pipeline'), { recursive: true });
    cpSync(path.join(PIPELINE, 'params.yaml'), path.join(work, 'params.yaml'));
    runPipeline(work);
  });

  it('parses every mail, whatever its encoding, and splits them all', () => {
    const rows = ['train', 'test'].flatMap((s) =>
      readFileSync(path.join(work, 'prepared', `${s}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
    assert.equal(rows.length, 65);
    const byId = new Map(rows.map((r) => [r.id, r]));
    assert.equal(byId.get('spam-2/qp.txt').label, 'spam');
    assert.ok(byId.get('spam-2/qp.txt').tokens.includes('gratuit'));
    assert.ok(byId.get('spam-2/b64.txt').tokens.includes('winner'), 'base64 part decoded');
    assert.ok(byId.get('hard-ham-1/badcharset.txt').tokens.includes('patch'));
    assert.equal(byId.get('hard-ham-1/raw8bit.txt').label, 'ham');
    assert.ok(byId.get('spam-1/00000.txt').tokens.includes('free'), 'html tags stripped, entities decoded');
  });

  it('writes valid metrics and plot files', () => {
    const metrics = JSON.parse(readFileSync(path.join(work, 'metrics.json'), 'utf8'));
    for (const key of ['precision', 'recall', 'f1', 'accuracy']) {
      assert.equal(typeof metrics[key], 'number', key);
      assert.ok(metrics[key] >= 0 && metrics[key] <= 1, `${key} in [0, 1]`);
    }
    assert.ok(metrics.accuracy >= 0.8, `separable toy corpus is learned (accuracy ${metrics.accuracy})`);
    const confusion = JSON.parse(readFileSync(path.join(work, 'plots', 'confusion.json'), 'utf8'));
    assert.equal(confusion.length, metrics.test_mails, 'one record per test mail');
    for (const r of confusion) assert.ok(['ham', 'spam'].includes(r.actual) && ['ham', 'spam'].includes(r.predicted), JSON.stringify(r));
    const curve = readFileSync(path.join(work, 'plots', 'pr_curve.csv'), 'utf8').trim().split('\n');
    assert.equal(curve[0], 'threshold,precision,recall');
    assert.ok(curve.length > 2);
    for (const line of curve.slice(1)) {
      const [, p, r] = line.split(',').map(Number);
      assert.ok(p >= 0 && p <= 1 && r >= 0 && r <= 1, line);
    }
  });

  it('is deterministic for a given seed, and a new seed changes the split', () => {
    const first = readFileSync(path.join(work, 'prepared', 'test.jsonl'), 'utf8');
    const model = readFileSync(path.join(work, 'model', 'model.json'), 'utf8');
    runPipeline(work);
    assert.equal(readFileSync(path.join(work, 'prepared', 'test.jsonl'), 'utf8'), first);
    assert.equal(readFileSync(path.join(work, 'model', 'model.json'), 'utf8'), model);
    const params = readFileSync(path.join(work, 'params.yaml'), 'utf8');
    writeFileSync(path.join(work, 'params.yaml'), params.replace(/seed: \d+/, 'seed: 7'));
    runPipeline(work);
    assert.notEqual(readFileSync(path.join(work, 'prepared', 'test.jsonl'), 'utf8'), first);
    writeFileSync(path.join(work, 'params.yaml'), params);
  });

  it('the vocabulary cap and smoothing come from params.yaml', () => {
    const params = readFileSync(path.join(work, 'params.yaml'), 'utf8');
    writeFileSync(path.join(work, 'params.yaml'), params.replace(/vocab_size: \d+/, 'vocab_size: 12').replace(/alpha: [\d.]+/, 'alpha: 0.5'));
    const r = python(work, ['pipeline/train.py', 'prepared/train.jsonl', 'model/small.json']);
    writeFileSync(path.join(work, 'params.yaml'), params);
    assert.equal(r.code, 0, r.stderr);
    const model = JSON.parse(readFileSync(path.join(work, 'model', 'small.json'), 'utf8'));
    assert.equal(model.vocab_size, 12);
    assert.equal(model.alpha, 0.5);
    assert.equal(Object.keys(model.log_likelihood.spam).length, 12);
  });

  it('a bad param is rejected by name, and writes nothing', () => {
    const params = readFileSync(path.join(work, 'params.yaml'), 'utf8');
    writeFileSync(path.join(work, 'params.yaml'), params.replace(/alpha: [\d.]+/, 'alpha: lots'));
    const r = python(work, ['pipeline/train.py', 'prepared/train.jsonl', 'model/bad.json']);
    writeFileSync(path.join(work, 'params.yaml'), params);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /param train\.alpha must be a number, got 'lots'/);
    assert.throws(() => readFileSync(path.join(work, 'model', 'bad.json')));
  });

  it('a corpus without spam is refused with a clear message', () => {
    writeTree(path.join(tmp.dir, 'hamonly', 'easy-ham-1'), { 'a.txt': 'Subject: hi\n\nhello\n' });
    const r = python(work, ['pipeline/prepare.py', path.join(tmp.dir, 'hamonly'), path.join(tmp.dir, 'out')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs both ham and spam mails/);
  });
});
