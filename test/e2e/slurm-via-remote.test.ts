import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cairn, sh, tempDir, tempGitRepo, writeTree } from '../helpers/cli.js';
import { startSlurm, type SlurmCluster } from '../helpers/slurm.js';

/**
 * Nodes that share no file system with cairn: the jobs run in a second checkout of the repository (the node's,
 * CAIRN_NODE_ROOT) with a cache of its own, and data moves only through a directory remote.
 */
describe('cairn repro --executor slurm --via-remote', () => {
  let cluster: SlurmCluster;
  let repo: ReturnType<typeof tempGitRepo>;
  let store: ReturnType<typeof tempDir>;
  let node: string;
  let env: Record<string, string>;
  before(async () => {
    cluster = await startSlurm();
    repo = tempGitRepo();
    store = tempDir('cairn-store-');
    env = { ...repo.env, ...cluster.env };
    assert.equal((await cairn(repo.dir, ['init'], env)).code, 0);
    assert.equal((await cairn(repo.dir, ['remote', 'add', '-d', 'store', store.dir], env)).code, 0);
    writeTree(repo.dir, {
      'data.txt': 'one\ntwo\nthree\n',
      'cairn.yaml': `stages:
  count:
    cmd: wc -l < data.txt > count.txt && echo "counted on $(pwd)"
    deps: [data.txt]
    outs: [count.txt]
  report:
    cmd: echo "lines=$(cat count.txt)" > report.txt
    deps: [count.txt]
    outs: [report.txt]
`,
    });
    assert.equal((await cairn(repo.dir, ['add', 'data.txt'], env)).code, 0);
    sh(repo.dir, 'git add -A && git commit -q -m pipeline', env);
    // The node's checkout: code and pointers from Git, no data, an empty cache.
    node = path.join(path.dirname(repo.dir), 'node');
    sh(path.dirname(repo.dir), `git clone -q ${repo.dir} node`, env);
  });
  after(async () => {
    await cluster?.stop();
    repo?.cleanup();
    store?.cleanup();
  });

  it('jobs fetch their deps from the remote and send their outputs back, and cairn records them', async () => {
    assert.equal(existsSync(path.join(node, 'data.txt')), false);
    // Job files of an earlier cluster, whose job ids restart at 1, are never read as this run's output.
    const stale = ['cairn-count.1.out', 'cairn-count.2.out'].map((f) => path.join(os.tmpdir(), f));
    for (const f of stale) writeFileSync(f, 'counted on /somewhere/else\n');
    after(() => stale.forEach((f) => rmSync(f, { force: true })));
    const jobFiles = () => readdirSync(os.tmpdir()).filter((n) => /^cairn-(count|report)-[0-9a-f]{8}\./.test(n));
    const r = await cairn(repo.dir, ['repro', '--executor', 'slurm', '--via-remote'], { ...env, CAIRN_NODE_ROOT: node });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\[count\\] counted on ${node}`));
    assert.doesNotMatch(r.stdout, /somewhere/);
    assert.deepEqual(jobFiles(), [], 'the jobs\' output files in the temp folder are removed once read');
    assert.match(r.stdout, /ran: count, report/);
    // The node got data.txt from the remote, and report's job got count.txt from count's job through it.
    assert.equal(readFileSync(path.join(node, 'data.txt'), 'utf8'), 'one\ntwo\nthree\n');
    assert.equal(readFileSync(path.join(node, 'count.txt'), 'utf8').trim(), '3');
    // cairn's workspace has the outputs (fetched back from the remote) and a lock naming them.
    assert.equal(readFileSync(path.join(repo.dir, 'report.txt'), 'utf8'), 'lines=3\n');
    assert.match(readFileSync(path.join(repo.dir, 'cairn.lock'), 'utf8'), /path: report\.txt/);
    const meta = readdirSync(path.join(store.dir, 'meta', 'jobs'));
    assert.equal(meta.length, 1);
    assert.deepEqual(readdirSync(path.join(store.dir, 'meta', 'jobs', meta[0])).sort(),
      ['count.inputs.json', 'count.outputs.json', 'report.inputs.json', 'report.outputs.json']);
    // Nothing changed: nothing is submitted.
    const again = await cairn(repo.dir, ['repro', '--executor', 'slurm', '--via-remote'], { ...env, CAIRN_NODE_ROOT: node });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /up to date: count, report/);
  });

  it('refuses --via-remote without a cluster executor', async () => {
    const r = await cairn(repo.dir, ['repro', '--via-remote'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--via-remote needs a cluster executor/);
    const typo = await cairn(repo.dir, ['repro', '--executor', 'slurn'], env);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown executor "slurn"[\s\S]*did you mean "slurm"/);
  });
});
