// Issue 12 (packs): layout 2 caches and remotes next to git and next to layout 1, in the same run.
//   BENCH_SCALE scales every count; PACKS_BENCH_FILES / PACKS_BENCH_PUSH_FILES set the two counts directly (quick runs).
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cairn, generateFiles, human, medianOf, newCairnRepo, row, sh } from './harness.mjs';
import { listFiles, naivePutLoop, startS3rver } from './remoteBench.mjs';

const LAYOUT2 = { CAIRN_CACHE_LAYOUT: '2' };

function count(envValue, base, scale, min) {
  const n = Number(envValue);
  return Number.isFinite(n) && n > 0 ? Math.round(n) : Math.max(min, Math.round(base * scale));
}

/** `cairn add` and `cairn status` of many 1 KiB files: layout 2 against `git add` and against layout 1. */
function addAndStatus({ env, dir, scale, rows, log }) {
  const n = count(env.PACKS_BENCH_FILES ?? process.env.PACKS_BENCH_FILES, 100_000, scale, 1000);
  const label = `${human(n)} files of 1 KiB`;
  const src = path.join(dir, 'packs-src');
  log(`packs: generating ${label}`);
  generateFiles(src, n, 1024);
  const gitRepo = path.join(dir, 'packs-git');
  mkdirSync(gitRepo);
  sh(gitRepo, `git init -q -b main . && cp -r ${JSON.stringify(src)} data`, env);
  const l1 = newCairnRepo(dir, 'packs-l1', env);
  const l2 = newCairnRepo(dir, 'packs-l2', { ...env, ...LAYOUT2 });
  for (const repo of [l1, l2]) sh(repo, `cp -r ${JSON.stringify(src)} data`, env);
  log('packs: git add');
  const gitAdd = sh(gitRepo, 'git add data', env).seconds;
  log('packs: cairn add, layout 1');
  const add1 = cairn(l1, ['add', '-q', 'data'], env).seconds;
  log('packs: cairn add, layout 2');
  const add2 = cairn(l2, ['add', '-q', 'data'], { ...env, ...LAYOUT2 }).seconds;
  rows.push(row({ section: 'packs', name: `\`cairn add\` of ${label}, layout 2 (packs)`, cairnSeconds: add2, baseline: '`git add`', baselineSeconds: gitAdd, target: 0.3 }));
  rows.push(row({ section: 'packs', name: `\`cairn add\` of ${label}, layout 1 (loose), for reference`, cairnSeconds: add1, baseline: '`git add`', baselineSeconds: gitAdd }));
  log('packs: status, both layouts');
  const st1 = medianOf(3, () => cairn(l1, ['status', '-q'], env, { allowFail: true }).seconds);
  const st2 = medianOf(3, () => cairn(l2, ['status', '-q'], env, { allowFail: true }).seconds);
  rows.push(row({ section: 'packs', name: `\`cairn status\`, ${label} unchanged (median of 3), layout 2`, cairnSeconds: st2, baseline: 'the same on layout 1', baselineSeconds: st1, target: 1.1 }));
  rmSync(gitRepo, { recursive: true, force: true });
  rmSync(src, { recursive: true, force: true });
  rmSync(l1, { recursive: true, force: true });
  rmSync(l2, { recursive: true, force: true });
}

/** Push of many 4 KiB files to s3rver: a layout 2 remote (packs) against one PutObject per file; no-op push against layout 1. */
async function pushToS3({ env, dir, scale, rows, log }) {
  const n = count(env.PACKS_BENCH_PUSH_FILES ?? process.env.PACKS_BENCH_PUSH_FILES, 10_000, scale, 500);
  const label = `${human(n)} files of 4 KiB`;
  const bucket = 'cairn-packs-bench';
  mkdirSync(path.join(dir, 'packs-s3'));
  const s3 = await startS3rver(path.join(dir, 'packs-s3'), bucket);
  const s3env = { ...env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
  try {
    const repos = {};
    for (const layout of ['1', '2']) {
      const e = { ...s3env, CAIRN_CACHE_LAYOUT: layout };
      const repo = newCairnRepo(dir, `packs-push-l${layout}`, e);
      log(`packs: generating ${label} (layout ${layout})`);
      generateFiles(path.join(repo, 'data'), n, 4096);
      cairn(repo, ['add', '-q', 'data'], e);
      cairn(repo, ['remote', 'add', '-d', 's3', `s3://${bucket}/layout${layout}`], e);
      cairn(repo, ['remote', 'modify', 's3', 'endpoint_url', s3.endpoint], e);
      repos[layout] = { repo, e };
    }
    log('packs: cairn push to a new (layout 2) S3 remote');
    const push2 = cairn(repos['2'].repo, ['push', '-q'], repos['2'].e).seconds;
    log('packs: naive PutObject loop');
    const naive = await naivePutLoop(s3.endpoint, bucket, listFiles(path.join(repos['2'].repo, 'data')));
    rows.push(row({ section: 'packs', name: `\`cairn push\` of ${label} to S3 (s3rver), layout 2 remote`, cairnSeconds: push2, baseline: 'one PutObject per file (same SDK)', baselineSeconds: naive, kind: 'speedup', target: 10 }));
    log('packs: cairn push, layout 1, for the no-op comparison');
    cairn(repos['1'].repo, ['push', '-q'], repos['1'].e);
    const noop1 = medianOf(3, () => cairn(repos['1'].repo, ['push', '-q'], repos['1'].e).seconds);
    const noop2 = medianOf(3, () => cairn(repos['2'].repo, ['push', '-q'], repos['2'].e).seconds);
    rows.push(row({ section: 'packs', name: `no-op \`cairn push\` of ${label} to S3 (median of 3), layout 2`, cairnSeconds: noop2, baseline: 'the same on layout 1', baselineSeconds: noop1, target: 1.1 }));
  } finally {
    await s3.stop();
  }
}

export async function benchPacks(ctx) {
  addAndStatus(ctx);
  await pushToS3(ctx);
}
