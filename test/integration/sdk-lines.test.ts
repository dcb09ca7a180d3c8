import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parse } from 'yaml';
import { CairnError, activeRun, endRun, startRun, withRun } from '../../src/sdk/index.js';
import { tempDir } from '../helpers/cli.js';

const STAGE_RUN = '0123456789abcdef0123456789abcdef';

function stage(t: TestContext) {
  const tmp = tempDir('cairn-sdk-');
  t.after(() => {
    while (activeRun()) endRun();
    tmp.cleanup();
  });
  const events = path.join(tmp.dir, 'events.jsonl');
  return { dir: tmp.dir, events, env: { CAIRN_RUN_ID: STAGE_RUN, CAIRN_EVENTS: events } };
}

const raw = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const lines = (file: string) => raw(file).split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('the TypeScript SDK writes the events-file lines', () => {
  it('attaches to the stage run inside a stage, with no run or end line, buffering until the run ends', (t) => {
    const { env, events } = stage(t);
    const run = startRun({ env });
    assert.equal(run.id, STAGE_RUN);
    run.logMetric('loss', 0.5, { step: 3, timestamp: 1000 });
    assert.equal(raw(events), '', 'still in memory');
    run.end();
    assert.equal(raw(events), '{"metric":"loss","value":0.5,"step":3,"timestamp":1000}\n');
    assert.equal(activeRun(), undefined);
  });

  it('writes numbers as JSON numbers, NaN and the infinities as the spec strings, step 0 and now by default', (t) => {
    const { env, events } = stage(t);
    const run = startRun({ env });
    const before = Date.now();
    run.logMetric('m', 1e-7);
    for (const [i, v] of [NaN, Infinity, -Infinity, 7].entries()) run.logMetric('m', v, i + 1);
    run.logMetrics({ a: 1, 'b/c': 0.25 }, { step: 2, timestamp: 9 });
    run.end();
    const got = lines(events);
    assert.deepEqual(got.map((l) => l.value ?? l.metrics), [1e-7, 'NaN', 'Infinity', '-Infinity', 7, { a: 1, 'b/c': 0.25 }]);
    assert.equal(got[0].step, 0);
    assert.ok(got[0].timestamp >= before && got[0].timestamp <= Date.now());
    assert.equal(raw(events).split('\n')[5], '{"metrics":{"a":1,"b/c":0.25},"step":2,"timestamp":9}');
  });

  it('writes params as strings, tags, datasets and artifacts copied at log time', (t) => {
    const { env, events, dir } = stage(t);
    const model = path.join(dir, 'model.bin');
    writeFileSync(model, 'v1');
    const run = startRun({ env, tags: { team: 'vision' } });
    run.logParam('lr', 0.1);
    run.logParams({ layers: [64, 32], fast: true });
    run.setTag('phase', 'warmup');
    run.logInput({ name: 'train', digest: 'ab'.repeat(32), source: 'data/train.csv', context: 'training' });
    run.logArtifact(model, 'checkpoints');
    writeFileSync(model, 'v2');
    run.logDict({ lr: 0.1, opt: 'yes' }, 'config/params.yaml');
    run.end();
    const got = lines(events);
    assert.deepEqual(got.slice(0, 6), [
      { tags: { team: 'vision' } },
      { param: 'lr', value: '0.1' },
      { params: { layers: '[64,32]', fast: 'true' } },
      { tag: 'phase', value: 'warmup' },
      { dataset: { name: 'train', digest: 'ab'.repeat(32), source: 'data/train.csv', context: 'training' } },
      { artifact: 'events.jsonl.d/1/model.bin', path: 'checkpoints' },
    ]);
    assert.equal(readFileSync(path.join(dir, got[5].artifact), 'utf8'), 'v1');
    assert.deepEqual(got[6], { artifact: 'events.jsonl.d/2/params.yaml', path: 'config' });
    assert.deepEqual(parse(readFileSync(path.join(dir, got[6].artifact), 'utf8')), { lr: 0.1, opt: 'yes' });
  });

  it('logs the contents of a folder with logArtifacts, and text with logText', (t) => {
    const { env, events, dir } = stage(t);
    mkdirSync(path.join(dir, 'plots', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'plots', 'a.png'), 'a');
    writeFileSync(path.join(dir, 'plots', 'sub', 'b.png'), 'b');
    const run = startRun({ env });
    run.logArtifacts(path.join(dir, 'plots'), 'figures');
    run.logText('hello', 'notes.txt');
    run.end();
    const got = lines(events);
    assert.deepEqual(got, [{ artifact: 'events.jsonl.d/1', path: 'figures' }, { artifact: 'events.jsonl.d/2/notes.txt' }]);
    assert.equal(readFileSync(path.join(dir, 'events.jsonl.d', '1', 'sub', 'b.png'), 'utf8'), 'b');
    assert.equal(readFileSync(path.join(dir, got[1].artifact), 'utf8'), 'hello');
    assert.throws(() => startRun({ env }).logArtifacts(path.join(dir, 'plots', 'a.png')), /takes a folder/);
  });

  it('gives a nested run its own run line (parent = the stage run) and run_id on every line', async (t) => {
    const { env, events } = stage(t);
    const outer = startRun({ env });
    const childId = await withRun({ env, nested: true, name: 'fold-1' }, (child) => {
      child.logMetric('acc', 0.5, { timestamp: 1 });
      return child.id;
    });
    outer.logMetric('acc', 0.7, { timestamp: 2 });
    outer.end();
    const got = lines(events);
    assert.equal(got[0].run.parent, STAGE_RUN);
    assert.equal(got[0].run.id, childId);
    assert.deepEqual(got[1], { metric: 'acc', value: 0.5, step: 0, timestamp: 1, run_id: childId });
    assert.equal(got[2].end.status, 'FINISHED');
    assert.equal(got[2].run_id, childId);
    // After a nested run line (which may be the file's first), the stage's own lines name their run too.
    assert.deepEqual(got[3], { metric: 'acc', value: 0.7, step: 0, timestamp: 2, run_id: STAGE_RUN });
  });

  it('ends a withRun run FAILED when its function throws', async (t) => {
    const { env, events } = stage(t);
    await assert.rejects(withRun({ env, nested: true }, () => { throw new Error('boom'); }), /boom/);
    assert.equal(lines(events).at(-1).end.status, 'FAILED');
  });
});

describe('the TypeScript SDK refuses bad input before buffering it', () => {
  it('names the key of an invalid metric, param or tag and writes nothing', (t) => {
    const { env, events } = stage(t);
    const run = startRun({ env });
    for (const key of ['', 'a:b', 'naïve', 'a//b', '/abs', '../up', 'x'.repeat(251)]) {
      for (const call of [() => run.logMetric(key, 1), () => run.logParam(key, 1), () => run.setTag(key, 'v'), () => run.logMetrics({ [key]: 1 })]) {
        assert.throws(call, (err: unknown) => err instanceof CairnError && err.code === 'INVALID' && err.message.includes(JSON.stringify(key)));
      }
    }
    assert.throws(() => run.logMetric('loss', 'high' as unknown as number), /metric "loss": value "high" is not a number/);
    assert.throws(() => run.logMetric('loss', 1, 1.5), /step must be an integer/);
    run.end();
    assert.equal(raw(events), '');
  });

  it('refuses a param logged again with another value, and a second run without nested', (t) => {
    const { env } = stage(t);
    const run = startRun({ env });
    run.logParam('lr', 0.1);
    run.logParam('lr', '0.1');
    assert.throws(() => run.logParam('lr', 0.2), (err: unknown) => err instanceof CairnError && err.code === 'CONFLICT' && /"lr" was already logged with value "0.1"/.test(err.message));
    assert.throws(() => startRun({ env }), /already active/);
    assert.throws(() => run.logArtifact('/definitely/missing'), /no such file or folder/);
    assert.throws(() => run.logDict({}, '../x.json'), /must stay inside the run's artifacts/);
  });

  it('says what to do outside a repository and a stage, and refuses a malformed tracking server URI', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    assert.throws(() => startRun({ env: {}, cwd: tmp.dir }), (err: unknown) => err instanceof CairnError && err.code === 'NOT_FOUND' && /cairn init/.test(err.hint ?? ''));
    mkdirSync(path.join(tmp.dir, '.cairn'));
    assert.throws(() => startRun({ env: { CAIRN_TRACKING_URI: 'http://' }, cwd: tmp.dir }), /not a valid tracking server URL/);
    assert.deepEqual(readdirSync(path.join(tmp.dir, '.cairn', 'tracking', 'outbox')), [], 'no events file is left behind');
  });
});
