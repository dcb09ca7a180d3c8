import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT, cairn, sh, tempGitRepo, writeTree } from '../helpers/cli.js';
import { tinyCorpus } from '../helpers/demoCorpus.js';
import { slurmRepo } from '../helpers/slurm.js';

/** The demo's pipeline in a fresh repository: its scripts and params, and a tiny corpus in the SpamAssassin layout. */
async function demoRepo(dir: string, env: Record<string, string>): Promise<void> {
  const demo = path.join(PROJECT_ROOT, 'demo', 'pipeline');
  for (const script of ['common.py', 'prepare.py', 'train.py', 'evaluate.py']) cpSync(path.join(demo, script), path.join(dir, 'pipeline', script));
  cpSync(path.join(demo, 'cairn.yaml'), path.join(dir, 'cairn.yaml'));
  cpSync(path.join(demo, 'params.yaml'), path.join(dir, 'params.yaml'));
  writeTree(path.join(dir, 'data', 'mail'), tinyCorpus());
  assert.equal((await cairn(dir, ['add', 'data/mail'], env)).code, 0);
  sh(dir, 'git add -A && git commit -q -m demo', env);
}

describe("the demo's pipeline on Slurm", () => {
  const s = slurmRepo({ before, after });
  const local = tempGitRepo();
  after(() => local.cleanup());

  it('gives the same outputs, metrics and cairn.lock as locally', async () => {
    const { repo, env } = s;
    assert.equal((await cairn(local.dir, ['init'], local.env)).code, 0);
    await demoRepo(local.dir, local.env);
    await demoRepo(repo.dir, env);
    const here = await cairn(local.dir, ['repro'], local.env);
    assert.equal(here.code, 0, here.stderr);
    const there = await cairn(repo.dir, ['repro', '--executor', 'slurm'], env);
    assert.equal(there.code, 0, there.stderr);
    assert.match(there.stderr, /Submitted stage 'evaluate' as slurm job \d+, after train \(\d+\), prepare \(\d+\)|Submitted stage 'evaluate' as slurm job \d+, after prepare \(\d+\), train \(\d+\)/);
    assert.match(there.stdout, /ran: prepare, train, evaluate/);
    const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');
    assert.equal(read(repo.dir, 'cairn.lock'), read(local.dir, 'cairn.lock'));
    assert.equal(read(repo.dir, 'metrics.json'), read(local.dir, 'metrics.json'));
    assert.equal(read(repo.dir, 'model/model.json'), read(local.dir, 'model/model.json'));
  });
});
