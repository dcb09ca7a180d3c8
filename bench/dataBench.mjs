// Issue 2 measurements: start-up, add/status/checkout of many small files, add of one big file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bytesHuman, cairn, generateBigFile, generateFiles, hasCommand, human, medianOf, row, sh, timed } from './harness.mjs';

function gitLfsAvailable(env) {
  return spawnSync('git', ['lfs', 'version'], { env }).status === 0;
}

export function benchStartup({ env, dir }) {
  const version = medianOf(20, () => cairn(dir, ['--version'], env).seconds);
  const node = medianOf(20, () => timed(dir, process.execPath, ['-e', '0'], env).seconds);
  return [row({ section: 'start-up', name: '`cairn --version` (median of 20)', cairnSeconds: version, baseline: '`node -e 0`', baselineSeconds: node, target: 1.5 })];
}

const LFS_SETUP = 'git lfs install --local >/dev/null && git lfs track "data/**" >/dev/null && git add .gitattributes';

/** A Git repo holding a copy of `src` at `<name>/data`, with cairn or git-lfs set up for `kind` 'cairn' / 'lfs'. */
function prepareRepo(dir, name, src, env, kind) {
  const repo = path.join(dir, name);
  mkdirSync(repo);
  sh(repo, `git init -q -b main . && git commit -q --allow-empty -m init${kind === 'lfs' ? ` && ${LFS_SETUP}` : ''}`, env);
  if (kind === 'cairn') cairn(repo, ['init', '-q'], env);
  sh(repo, `cp -r ${JSON.stringify(src)} data`, env);
  return repo;
}

export function benchSmallFiles({ env, dir, scale, rows, log }) {
  if (!hasCommand('add', env)) {
    log('small files: `cairn add` not built yet, skipped');
    return;
  }
  const count = Math.max(1000, Math.round(100_000 * scale));
  const label = `${human(count)} files of 1 KiB`;
  const src = path.join(dir, 'small-src');
  log(`small files: generating ${label}`);
  generateFiles(src, count, 1024);
  const gitRepo = prepareRepo(dir, 'small-git', src, env, 'git');
  const cairnRepo = prepareRepo(dir, 'small-cairn', src, env, 'cairn');
  log('small files: git add');
  const gitAdd = sh(gitRepo, 'git add data', env).seconds;
  log('small files: cairn add');
  const cairnAdd = cairn(cairnRepo, ['add', '-q', 'data'], env).seconds;
  rows.push(row({ section: 'data', name: `\`cairn add\` of ${label}`, cairnSeconds: cairnAdd, baseline: '`git add`', baselineSeconds: gitAdd, target: 0.5 }));
  if (gitLfsAvailable(env)) {
    const lfsRepo = prepareRepo(dir, 'small-lfs', src, env, 'lfs');
    log('small files: git lfs add');
    const lfsAdd = sh(lfsRepo, 'git add data', env).seconds;
    rows.push(row({ section: 'data', name: `\`cairn add\` of ${label}`, cairnSeconds: cairnAdd, baseline: '`git lfs` (track + `git add`)', baselineSeconds: lfsAdd }));
    rmSync(lfsRepo, { recursive: true, force: true });
  } else {
    log('small files: git-lfs not installed, its column is skipped');
  }

  if (hasCommand('status', env)) {
    log('small files: status');
    const cairnStatus = medianOf(3, () => cairn(cairnRepo, ['status', '-q'], env, { allowFail: true }).seconds);
    const gitStatus = medianOf(3, () => sh(gitRepo, 'git status --porcelain >/dev/null', env).seconds);
    rows.push(row({ section: 'data', name: `\`cairn status\`, ${label} unchanged (median of 3)`, cairnSeconds: cairnStatus, baseline: '`git status`', baselineSeconds: gitStatus, target: 1.5 }));
  }

  if (hasCommand('checkout', env)) {
    log('small files: checkout into an empty workspace');
    rmSync(path.join(cairnRepo, 'data'), { recursive: true, force: true });
    const checkout = cairn(cairnRepo, ['checkout', '-q', 'data'], env).seconds;
    const cp = sh(dir, `cp -r ${JSON.stringify(src)} small-cp`, env).seconds;
    rows.push(row({ section: 'data', name: `\`cairn checkout\` of ${label} into an empty folder`, cairnSeconds: checkout, baseline: '`cp -r`', baselineSeconds: cp, target: 1.5 }));
    rmSync(path.join(dir, 'small-cp'), { recursive: true, force: true });
  }
  rmSync(gitRepo, { recursive: true, force: true });
  // The cairn repo (with its cache) is kept for the no-op push measurement of the remote benchmarks.
  return { src, cairnRepo, count };
}

export function benchBigFile({ env, dir, scale, rows, log }) {
  if (!hasCommand('add', env)) {
    log('big file: `cairn add` not built yet, skipped');
    return;
  }
  const bytes = Math.max(16 * 2 ** 20, Math.round(2 ** 30 * scale));
  const label = `one ${bytesHuman(bytes)} file`;
  const src = path.join(dir, 'big-src', 'model.bin');
  log(`big file: generating ${label}`);
  generateBigFile(src, bytes);
  const sha = medianOf(3, () => sh(dir, `openssl sha256 ${JSON.stringify(src)} >/dev/null`, env).seconds);
  const cairnRepo = path.join(dir, 'big-cairn');
  mkdirSync(cairnRepo);
  sh(cairnRepo, 'git init -q -b main .', env);
  cairn(cairnRepo, ['init', '-q'], env);
  sh(cairnRepo, `cp ${JSON.stringify(src)} model.bin`, env);
  log('big file: cairn add');
  const cairnAdd = cairn(cairnRepo, ['add', '-q', 'model.bin'], env).seconds;
  rows.push(row({ section: 'data', name: `\`cairn add\` of ${label}`, cairnSeconds: cairnAdd, baseline: '`openssl sha256` (hash only)', baselineSeconds: sha }));
  if (gitLfsAvailable(env)) {
    const lfsRepo = path.join(dir, 'big-lfs');
    mkdirSync(lfsRepo);
    sh(lfsRepo, `git init -q -b main . && git lfs install --local >/dev/null && git lfs track model.bin >/dev/null && cp ${JSON.stringify(src)} model.bin`, env);
    log('big file: git lfs add');
    const lfsAdd = sh(lfsRepo, 'git add model.bin', env).seconds;
    rows.push(row({ section: 'data', name: `\`cairn add\` of ${label}`, cairnSeconds: cairnAdd, baseline: '`git lfs` (track + `git add`)', baselineSeconds: lfsAdd, target: 0.7 }));
    rmSync(lfsRepo, { recursive: true, force: true });
  }
  return { src, cairnRepo, bytes };
}
