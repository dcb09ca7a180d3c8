// The parts of the demo, in order. Each one checks that its commands exist in the built CLI and skips with a clear
// line otherwise, so the demo runs at every stage of cairn's development.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { experiments } from './experiments.mjs';
import { registry } from './registry.mjs';
import { server } from './server.mjs';
import { countFiles, digestFile, digestTree, sizeOf } from './narrate.mjs';

const MODEL = 'models/spam-model.json';

const count = (x) => x.toLocaleString('en-US');

function short(hex) {
  return `${hex.slice(0, 12)}…`;
}

function snapshot(repo) {
  const model = path.join(repo, MODEL);
  return {
    mails: countFiles(path.join(repo, 'data', 'mail')),
    tree: digestTree(path.join(repo, 'data', 'mail')),
    model: digestFile(model),
    modelSize: sizeOf(model),
  };
}

function describe(s) {
  // Digests computed here, independently of cairn, so the demo checks cairn rather than trusting it.
  return `${count(s.mails)} mails (all names and bytes: sha256 ${short(s.tree)}), model ${count(s.modelSize)} bytes (sha256 ${short(s.model)})`;
}

function same(a, b) {
  return a.mails === b.mails && a.tree === b.tree && a.model === b.model && a.modelSize === b.modelSize;
}

/** Trains the model file of part 2 by running the pipeline scripts by hand (before cairn runs them as stages). */
function trainModel(ctx, label) {
  const { n, repo, scratch } = ctx;
  const out = path.join(repo, MODEL);
  mkdirSync(path.dirname(out), { recursive: true });
  if (!ctx.python) {
    // Without Python the "model" is stand-in bytes derived from the data, so it still changes when the data does.
    writeFileSync(out, JSON.stringify({ stand_in: true, trained_on: digestTree(path.join(repo, 'data', 'mail')) }));
    n.say(`(python3 not found: wrote a stand-in model file for ${label})`);
    return;
  }
  rmSync(scratch, { recursive: true, force: true });
  n.run(repo, 'python3', ['pipeline/prepare.py', 'data/mail', path.join(scratch, 'prepared')],
    { display: `python3 pipeline/prepare.py data/mail /tmp/…/prepared` });
  n.run(repo, 'python3', ['pipeline/train.py', path.join(scratch, 'prepared', 'train.jsonl'), MODEL],
    { display: `python3 pipeline/train.py /tmp/…/prepared/train.jsonl ${MODEL}` });
}

function commitAll(ctx, message) {
  ctx.n.git(ctx.repo, ['add', '-A']);
  ctx.n.git(ctx.repo, ['commit', '-q', '-m', message]);
}

async function setUp(ctx) {
  const { n, repo, root } = ctx;
  n.section('A Git repository with cairn in it');
  mkdirSync(repo);
  n.git(repo, ['init', '-q', '-b', 'main']);
  n.cairn(repo, ['init']);
  cpSync(path.join(root, 'demo', 'pipeline'), path.join(repo, 'pipeline'), {
    recursive: true,
    filter: (src) => !src.endsWith('.yaml') && !src.includes('__pycache__'),
  });
  cpSync(path.join(root, 'demo', 'pipeline', 'params.yaml'), path.join(repo, 'params.yaml'));
  writeFileSync(path.join(repo, '.gitignore'), '__pycache__/\n');
  n.say('(copied the demo\'s Python scripts into pipeline/ and their settings into params.yaml)');
  commitAll(ctx, 'cairn init, pipeline code');
  ctx.summary.push('set-up: git init + cairn init');
}

async function versionData(ctx) {
  const { n, repo, plan } = ctx;
  n.section('Version a dataset and a model beside the code');
  if (!n.has('add') || !n.has('checkout')) {
    n.skip('data versioning commands (add, checkout) not built yet');
    ctx.summary.push('data versioning: skipped (add/checkout not built yet)');
    return;
  }
  ctx.copyMails(plan.v1, path.join(repo, 'data', 'mail'));
  n.say(`copied the ${count(plan.v1.length)} e-mails of version 1 into data/mail/ (ham and spam folders)`);
  trainModel(ctx, 'version 1');
  n.cairn(repo, ['add', 'data/mail', MODEL]);
  n.run(repo, 'cat', ['data/mail.cairn']);
  if (n.has('status')) n.cairn(repo, ['status']);
  commitAll(ctx, 'data and model, version 1');
  const inGit = ctx.n.git(repo, ['ls-files', 'data', 'models'], { silent: true }).stdout.trim().split('\n').filter(Boolean);
  if (inGit.some((f) => !f.endsWith('.cairn') && !f.endsWith('.gitignore'))) {
    throw new Error(`Git is tracking data files it should not: ${inGit.filter((f) => !f.endsWith('.cairn')).slice(0, 3).join(', ')}`);
  }
  n.ok(`Git tracks only ${inGit.length} small files under data/ and models/ (${inGit.join(', ')}); the bytes live in .cairn/cache`);
  const v1 = snapshot(repo);
  n.say(`version 1: ${describe(v1)}`);

  n.section('Change the data and retrain');
  for (const m of plan.removed) rmSync(path.join(repo, 'data', 'mail', m.rel));
  ctx.copyMails(plan.added, path.join(repo, 'data', 'mail'));
  n.say(`removed ${count(plan.removed.length)} mails, added the ${count(plan.added.length)} held back: ${count(countFiles(path.join(repo, 'data', 'mail')))} now`);
  trainModel(ctx, 'version 2');
  if (n.has('status')) n.cairn(repo, ['status'], { allowFail: true });
  if (n.has('commit')) n.cairn(repo, ['commit']);
  else n.cairn(repo, ['add', 'data/mail', MODEL]);
  commitAll(ctx, 'data and model, version 2');
  if (n.has('diff')) n.cairn(repo, ['diff', 'HEAD~1', 'HEAD']);
  const v2 = snapshot(repo);
  n.say(`version 2: ${describe(v2)}`);
  if (same(v1, v2)) throw new Error('version 2 of the data is identical to version 1; the demo changed nothing');

  n.section('Travel back in history: the old bytes come back');
  n.git(repo, ['checkout', '-q', 'HEAD~1']);
  n.cairn(repo, ['checkout']);
  const back = snapshot(repo);
  n.say(`now:       ${describe(back)}`);
  if (!same(back, v1)) throw new Error(`after git checkout HEAD~1 + cairn checkout the workspace is not version 1: ${describe(back)}`);
  n.ok('exactly the bytes of version 1: same mails, same model');
  n.git(repo, ['checkout', '-q', 'main']);
  n.cairn(repo, ['checkout']);
  if (!same(snapshot(repo), v2)) throw new Error('after git checkout main + cairn checkout the workspace is not version 2');
  n.ok('and forward again to version 2');

  n.section('Lose the data folder, get it back from the cache');
  n.run(repo, 'rm', ['-rf', 'data/mail']);
  n.cairn(repo, ['checkout', 'data/mail'], { allowFail: false });
  if (!same(snapshot(repo), v2)) throw new Error('cairn checkout did not restore data/mail');
  n.ok(`restored all ${count(v2.mails)} mails`);
  if (n.has('ls')) n.cairn(repo, ['ls', 'HEAD~1', 'models']);
  if (n.has('fsck')) n.cairn(repo, ['fsck']);
  ctx.summary.push(`data versioning: ${count(v1.mails)} → ${count(v2.mails)} mails, two model versions, history restored exactly`);
  ctx.versioned = { v2 };
}

async function pipeline(ctx) {
  const { n, repo, root } = ctx;
  n.section('A pipeline on the corpus: prepare → train → evaluate');
  if (!n.has('repro')) {
    n.skip('pipelines not built yet');
    ctx.summary.push('pipeline: skipped (repro not built yet)');
    return;
  }
  if (!ctx.python) {
    n.skip('python3 not found, and the demo stages are Python scripts');
    ctx.summary.push('pipeline: skipped (no python3)');
    return;
  }
  if (!ctx.versioned) {
    // Without the data commands the corpus is a plain folder that Git ignores; the pipeline still runs on it.
    ctx.copyMails(ctx.plan.v1, path.join(repo, 'data', 'mail'));
    writeFileSync(path.join(repo, '.gitignore'), '__pycache__/\n/data/\n');
    n.say(`copied ${count(ctx.plan.v1.length)} e-mails into data/mail/ (not versioned: cairn add is not built yet)`);
  }
  cpSync(path.join(root, 'demo', 'pipeline', 'cairn.yaml'), path.join(repo, 'cairn.yaml'));
  n.run(repo, 'cat', ['params.yaml']);
  if (n.has('dag')) n.cairn(repo, ['dag']);
  n.cairn(repo, ['repro']);
  if (n.has('metrics')) n.cairn(repo, ['metrics', 'show']);
  else n.run(repo, 'cat', ['metrics.json']);
  commitAll(ctx, 'spam classifier pipeline');
  const prepared = path.join(repo, 'prepared', 'train.jsonl');
  const preparedTime = statSync(prepared).mtimeMs;
  const firstModel = digestFile(path.join(repo, 'model', 'model.json'));

  n.section('Change one parameter: only the affected stages run again');
  const params = readFileSync(path.join(repo, 'params.yaml'), 'utf8');
  writeFileSync(path.join(repo, 'params.yaml'), params.replace(/vocab_size: \d+/, 'vocab_size: 1000'));
  n.say('edited params.yaml: train.vocab_size 5000 → 1000');
  if (n.has('status')) n.cairn(repo, ['status'], { allowFail: true });
  n.cairn(repo, ['repro']);
  if (statSync(prepared).mtimeMs !== preparedTime) throw new Error('prepare ran again although none of its inputs changed');
  n.ok('prepare did not run again (its data, code and params are unchanged); train and evaluate did');
  if (n.has('params')) n.cairn(repo, ['params', 'diff']);
  if (n.has('metrics')) n.cairn(repo, ['metrics', 'diff']);
  commitAll(ctx, 'smaller vocabulary');

  n.section('Back to the old parameter: restored from the run cache');
  writeFileSync(path.join(repo, 'params.yaml'), params);
  n.say('edited params.yaml: train.vocab_size 1000 → 5000');
  n.cairn(repo, ['repro']);
  if (digestFile(path.join(repo, 'model', 'model.json')) !== firstModel) throw new Error('the model differs from the first run with the same inputs');
  n.ok('the model is byte-identical to the first run with these inputs');
  commitAll(ctx, 'back to 5000 tokens');
  ctx.summary.push('pipeline: repro, param change reran train+evaluate only, run cache restored the old model');
  ctx.pipelineRan = true;
}

async function remotes(ctx) {
  const { n, repo, base } = ctx;
  n.section('Share through a remote: push, then pull into a second clone');
  if (!ctx.versioned) {
    n.skip('remotes need the versioned data of the earlier part');
    ctx.summary.push('remotes: skipped (no versioned data)');
    return;
  }
  if (!n.has('remote') || !n.has('push') || !n.has('pull')) {
    n.skip('remotes not built yet');
    ctx.summary.push('remotes: skipped (remote/push/pull not built yet)');
    return;
  }
  const store = path.join(base, 'team-storage');
  n.cairn(repo, ['remote', 'add', '-d', 'team', store]);
  commitAll(ctx, 'default remote');
  const number = (text, pattern) => Number(pattern.exec(text)?.[1]?.replace(/,/g, '') ?? NaN);
  const sent = number(n.cairn(repo, ['push']).stdout, /([\d,]+) files? pushed/);
  n.say('(each distinct content once: the mails, the model, and the pipeline outputs that cairn.lock records)');
  const stageModel = path.join(repo, 'model', 'model.json');
  if (existsSync(stageModel) && digestFile(stageModel) === digestFile(path.join(repo, MODEL))) {
    n.say(`(model/model.json, which the pipeline trained on the same mails with the same settings, has the bytes of ${MODEL}: one object for both)`);
  }
  const there = number(n.cairn(repo, ['push']).stdout, /([\d,]+) already on remote/);
  if (there !== sent) throw new Error(`the second push found ${there} objects on the remote, and the first one sent ${sent}`);
  n.ok(`the second push had nothing to send: the ${count(sent)} objects the first one sent are there`);
  const clone = path.join(base, 'colleague');
  n.git(base, ['clone', '-q', repo, clone], { display: 'git clone -q repo colleague' });
  n.say('(in the colleague\'s clone)');
  n.cairn(clone, ['pull']);
  const mine = snapshot(repo);
  const theirs = snapshot(clone);
  if (!same(mine, theirs)) throw new Error(`the clone's data differs after cairn pull: ${describe(theirs)}`);
  n.ok(`the clone has the same ${count(theirs.mails)} mails and model, byte for byte`);
  if (ctx.pipelineRan) {
    const cloneModel = path.join(clone, 'model', 'model.json');
    if (!existsSync(cloneModel)) {
      n.say('(the pipeline\'s outputs did not travel with push/pull; `cairn repro` in the clone rebuilds them)');
    } else if (digestFile(cloneModel) !== digestFile(path.join(repo, 'model', 'model.json'))) {
      throw new Error('the pipeline model differs in the clone after cairn pull');
    } else {
      n.ok('and the pipeline\'s trained model (from cairn.lock) too');
    }
  }
  ctx.summary.push('remotes: push to a directory remote, pull into a fresh clone, identical bytes');
  if (n.has('get')) {
    n.say('(anyone can fetch one tracked file of a repository without cloning it)');
    const out = path.join(base, 'downloaded-model.json');
    n.cairn(base, ['get', repo, MODEL, '-o', out]);
    if (digestFile(out) !== mine.model) throw new Error('cairn get downloaded different bytes than the repository tracks');
    n.ok('cairn get fetched the model, byte for byte');
    ctx.summary.push('get: one file of a repository, without a clone');
  }
}

export const parts = [setUp, versionData, pipeline, remotes, experiments, registry, server];
