// Issue 3 measurements: push/pull to a local-directory remote and to S3 (s3rver on loopback), and a no-op push.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, bytesHuman, cairn, generateBigFile, generateFiles, hasCommand, human, row, sh } from './harness.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));

/** A committed repo whose `data` (or `model.bin`) is tracked by cairn, ready to push. */
function trackedRepo(dir, name, env, populate) {
  const repo = path.join(dir, name);
  mkdirSync(repo);
  sh(repo, 'git init -q -b main .', env);
  cairn(repo, ['init', '-q'], env);
  const target = populate(repo);
  cairn(repo, ['add', '-q', target], env);
  sh(repo, 'git add -A && git commit -q -m data', env);
  return { repo, target };
}

function hasRsync() {
  return spawnSync('rsync', ['--version']).status === 0;
}

function pushPullLocal({ env, dir, rows, log }, label, repo, target, targets, { twoCopiesTarget } = {}) {
  const store = path.join(dir, `${path.basename(repo)}-store`);
  cairn(repo, ['remote', 'add', '-d', 'bench', store], env);
  sh(repo, 'git add -A && git commit -q -m remote', env);
  log(`${label}: cairn push to a directory`);
  sh(dir, 'sync', env);
  const push = cairn(repo, ['push', '-q'], env).seconds;
  const clone = path.join(dir, `${path.basename(repo)}-clone`);
  sh(dir, `git clone -q ${JSON.stringify(repo)} ${JSON.stringify(clone)}`, env);
  log(`${label}: cairn pull into a fresh clone`);
  // Each timed copy starts with no dirty pages left by the step before (sync needs no root): otherwise the kernel's
  // write-back of the last gigabyte throttles whichever command happens to come next.
  const settle = () => sh(dir, 'sync', env);
  settle();
  // Warm, as every measurement here: the remote's objects are read once first, as `cp` finds its source in the page
  // cache (push may have written them past the cache, and a cold read measures the disk, not cairn).
  sh(dir, `find ${JSON.stringify(store)} -type f -exec cat {} + > /dev/null`, env);
  const pull = cairn(clone, ['pull', '-q'], env).seconds;
  const from = path.join(repo, target);
  settle();
  const cp = sh(dir, `cp -r ${JSON.stringify(from)} ${JSON.stringify(path.join(dir, 'cp-dest'))}`, env).seconds;
  rmSync(path.join(dir, 'cp-dest'), { recursive: true, force: true });
  rows.push(row({ section: 'remote', name: `\`cairn push\` of ${label} to a directory`, cairnSeconds: push, baseline: '`cp -r`', baselineSeconds: cp, target: targets }));
  rows.push(row({ section: 'remote', name: `\`cairn pull\` of ${label} from a directory`, cairnSeconds: pull, baseline: '`cp -r`', baselineSeconds: cp, target: targets }));
  if (twoCopiesTarget) {
    // Copy mode writes the bytes twice (the cache and the workspace): two copies of the file are the floor (issue 11).
    settle();
    const two = sh(dir, `cp ${JSON.stringify(from)} ${JSON.stringify(path.join(dir, 'cp-a'))} && cp ${JSON.stringify(from)} ${JSON.stringify(path.join(dir, 'cp-b'))}`, env).seconds;
    rmSync(path.join(dir, 'cp-a'), { force: true });
    rmSync(path.join(dir, 'cp-b'), { force: true });
    rows.push(row({ section: 'remote', name: `\`cairn pull\` of ${label} from a directory (copy mode)`, cairnSeconds: pull, baseline: 'two `cp` of the file', baselineSeconds: two, target: twoCopiesTarget }));
  }
  if (hasRsync()) {
    settle();
    const rsync = sh(dir, `rsync -a ${JSON.stringify(from)} ${JSON.stringify(path.join(dir, 'rsync-dest'))}`, env).seconds;
    rmSync(path.join(dir, 'rsync-dest'), { recursive: true, force: true });
    rows.push(row({ section: 'remote', name: `\`cairn push\` of ${label} to a directory`, cairnSeconds: push, baseline: '`rsync -a`', baselineSeconds: rsync }));
  }
  rmSync(clone, { recursive: true, force: true });
  rmSync(store, { recursive: true, force: true });
}

/** Starts s3rver on 127.0.0.1 (a free port) with one bucket; resolves with its endpoint and a stop function. */
export function startS3rver(dir, bucket) {
  const bin = path.join(path.dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const data = path.join(dir, 's3rver-data');
  mkdirSync(data);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '-d', data, '-a', '127.0.0.1', '-p', '0', '--silent', '--configure-bucket', bucket],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const fail = (why) => reject(new Error(`s3rver did not start (${why}): ${out}`));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) resolve({ endpoint: `http://127.0.0.1:${m[1]}`, stop: () => new Promise((done) => { child.once('exit', done); child.kill('SIGTERM'); }) });
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => fail(`exit ${code}`));
  });
}

/** The naive baseline: one PutObject per file, one after another, with the same AWS SDK cairn uses. */
export async function naivePutLoop(endpoint, bucket, files) {
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: 'us-east-1', endpoint, forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // s3rver predates the SDK's default flexible checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const start = process.hrtime.bigint();
  for (const file of files) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `naive/${path.basename(file)}`, Body: readFileSync(file) }));
  }
  client.destroy();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath ?? d.path, d.name));
}

async function pushS3({ env, dir, rows, log }, label, repo, target) {
  const bucket = 'cairn-bench';
  const s3 = await startS3rver(dir, bucket);
  const s3env = { ...env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
  try {
    cairn(repo, ['remote', 'add', 's3bench', `s3://${bucket}/cairn`], s3env);
    cairn(repo, ['remote', 'modify', 's3bench', 'endpoint_url', s3.endpoint], s3env);
    log(`${label}: cairn push to S3 (s3rver)`);
    const push = cairn(repo, ['push', '-q', '-r', 's3bench'], s3env).seconds;
    log(`${label}: naive PutObject loop`);
    const naive = await naivePutLoop(s3.endpoint, bucket, listFiles(path.join(repo, target)));
    rows.push(row({ section: 'remote', name: `\`cairn push\` of ${label} to S3 (s3rver, loopback)`, cairnSeconds: push, baseline: 'one PutObject per file (same SDK)', baselineSeconds: naive, kind: 'speedup', target: 3 }));
  } finally {
    await s3.stop();
  }
}

export async function benchRemotes(ctx, small) {
  const { env, dir, scale, rows, log } = ctx;
  if (!['add', 'remote', 'push', 'pull'].every((c) => hasCommand(c, env))) {
    log('remotes: `cairn remote/push/pull` not built yet, skipped');
    return;
  }
  const count = Math.max(500, Math.round(10_000 * scale));
  const label = `${human(count)} files of 4 KiB`;
  log(`remotes: generating ${label}`);
  const smallRepo = trackedRepo(dir, 'remote-small', env, (repo) => (generateFiles(path.join(repo, 'data'), count, 4096), 'data'));
  pushPullLocal(ctx, label, smallRepo.repo, 'data', 2);
  try {
    await pushS3(ctx, label, smallRepo.repo, 'data');
  } catch (err) {
    log(`remotes: S3 measurement failed: ${err.message.split('\n')[0]}`);
  }
  rmSync(smallRepo.repo, { recursive: true, force: true });

  const bytes = Math.max(16 * 2 ** 20, Math.round(2 ** 30 * scale));
  const bigLabel = `one ${bytesHuman(bytes)} file`;
  log(`remotes: generating ${bigLabel}`);
  const bigRepo = trackedRepo(dir, 'remote-big', env, (repo) => (generateBigFile(path.join(repo, 'model.bin'), bytes), 'model.bin'));
  pushPullLocal(ctx, bigLabel, bigRepo.repo, 'model.bin', 1.5, { twoCopiesTarget: 1.1 });
  rmSync(bigRepo.repo, { recursive: true, force: true });

  if (small) {
    log(`remotes: no-op push of ${human(small.count)} objects (first push untimed)`);
    const store = path.join(dir, 'noop-store');
    cairn(small.cairnRepo, ['remote', 'add', '-d', 'noop', store], env);
    cairn(small.cairnRepo, ['push', '-q'], env);
    const noop = cairn(small.cairnRepo, ['push', '-q'], env).seconds;
    rows.push(row({ section: 'remote', name: `no-op \`cairn push\` of ${human(small.count)} objects already on a directory remote`, cairnSeconds: noop, kind: 'absolute', target: 2 }));
    rmSync(store, { recursive: true, force: true });
  }
}
