import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT, cairn, runNode, tempDir, testEnv } from '../helpers/cli.js';

function runDemo(args: string[], home: string) {
  return runNode(path.join(PROJECT_ROOT, 'scripts', 'demo.mjs'), args, { cwd: PROJECT_ROOT, env: { ...testEnv(home), TMPDIR: home } });
}

describe('the demo (npm start), in quick mode', () => {
  it('walks every available part on real mails, verifies what it shows, and cleans up', async (t) => {
    const tmp = tempDir('cairn-demo-e2e-');
    t.after(() => tmp.cleanup());
    const r = await runDemo(['--quick', '--stop-server'], tmp.dir);
    assert.equal(r.code, 0, `demo failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /SpamAssassin public corpus \(quick mode\)/);
    assert.match(r.stdout, /\$ cairn init/);
    // The counts it announces are the ones it uses: all mails = version 1 + the ones held back for version 2.
    const num = (pattern: RegExp) => Number(pattern.exec(r.stdout)?.[1]?.replace(/,/g, ''));
    const total = num(/cairn demo — ([\d,]+) real e-mails/);
    const v1 = num(/version 1 of the dataset has ([\d,]+) of them/);
    const held = num(/adds the other ([\d,]+)/);
    assert.equal(v1 + held, total, 'version 1 and the held-back mails add up to the announced total');
    if (/copied the/.test(r.stdout)) assert.equal(num(/copied the ([\d,]+) e-mails of version 1/), v1);
    const workdir = /working in (\S+)/.exec(r.stdout)?.[1];
    assert.ok(workdir && !existsSync(workdir), 'the temp folder is removed at the end');
    assert.doesNotMatch(r.stdout, /demo failed/);
    // A part whose commands exist must have run and passed its checks; the others say clearly why they skipped.
    const has = async (...names: string[]) =>
      (await Promise.all(names.map((n) => cairn(tmp.dir, ['help', n], { HOME: tmp.dir })))).every((x) => x.code === 0);
    const data = await has('add', 'checkout');
    const parts: Array<[boolean, RegExp, RegExp]> = [
      [data, /data versioning: skipped/, /✔ exactly the bytes of version 1/],
      [await has('repro'), /pipeline: skipped/, /✔ prepare did not run again/],
      [data && (await has('remote', 'push', 'pull')), /remotes: skipped/, /✔ the clone has the same [\d,]+ mails/],
      [await has('model', 'verify', 'lineage', 'report'), /registry: skipped/, /✔ rebuilt from its commit in a separate worktree with the run cache off: every output has the recorded bytes/],
      [await has('server'), /server: skipped/, /✔ both runs are on the server; get-history returns the 100 points of loss/],
    ];
    if (await has('server')) assert.match(r.stdout, /✔ server stopped \(--stop-server\)/);
    if (await has('model')) {
      assert.match(r.stdout, /✔ refused: the gate names the failing term/);
      assert.match(r.stdout, /spam-filter v0\.0\.1 is now prod \(tag spam-filter#prod#1\)/);
      assert.match(r.stdout, /model-card\.json/);
      assert.match(r.stdout, /## cairn report/);
    }
    if (/✔ the second push/.test(r.stdout)) {
      assert.match(r.stdout, /✔ the second push had nothing to send: the [\d,]+ objects the first one sent are there/);
    }
    if (data && (await has('remote', 'push', 'pull', 'get'))) assert.match(r.stdout, /✔ cairn get fetched the model, byte for byte/);
    for (const [available, skipped, done] of parts) {
      if (available) assert.match(r.stdout, done);
      else assert.match(r.stdout, skipped);
    }
  });

  it('rejects an unknown option and creates nothing', async (t) => {
    const tmp = tempDir('cairn-demo-e2e-');
    t.after(() => tmp.cleanup());
    const r = await runDemo(['--bogus'], tmp.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --bogus/);
    assert.deepEqual(readdirSync(tmp.dir).filter((f) => f.startsWith('cairn-demo-')), []);
  });

  it('--keep leaves the repositories for a look around', async (t) => {
    const tmp = tempDir('cairn-demo-e2e-');
    t.after(() => tmp.cleanup());
    const r = await runDemo(['--mails', '60', '--keep', '--stop-server'], tmp.dir);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const workdir = /working in (\S+)/.exec(r.stdout)?.[1];
    assert.ok(workdir && existsSync(path.join(workdir, 'repo', '.cairn')), 'kept the demo repository');
    assert.match(r.stdout, /kept .* \(--keep\)/);
  });
});
