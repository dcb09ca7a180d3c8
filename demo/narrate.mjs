// The demo's narrator: runs commands the way a user types them, prints each command and its (trimmed) output,
// and checks facts about the workspace. Plain Node.js, no build step, so the demo can explain itself anywhere.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const MAX_LINES = 16;
// A long output shows its first lines and its last ones: commands end with their summary ("52 added, ...").
const TAIL_LINES = 3;

/** Shell-quotes one argument for display, so the printed command can be pasted into a terminal. */
function quote(arg) {
  return /^[\w./@:=+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function makeNarrator({ cairnBin, env, quiet = false }) {
  const out = (line = '') => process.stdout.write(line + '\n');
  let step = 0;

  function indent(text) {
    const lines = text.replace(/\s+$/, '').split('\n').filter((l, i, all) => l.length || i < all.length - 1);
    if (lines.length === 1 && lines[0] === '') return;
    const head = MAX_LINES - TAIL_LINES - 1;
    const shown = lines.length > MAX_LINES
      ? [...lines.slice(0, head), `… (${lines.length - head - TAIL_LINES} more lines)`, ...lines.slice(-TAIL_LINES)]
      : lines;
    for (const l of shown) out(l.trim() ? `    ${l}` : '');
  }

  /** Runs a program in `cwd`, prints `$ <display>` and its output; throws when it fails unless `allowFail`. */
  function run(cwd, program, args, { display, allowFail = false, silent = false, timeIt = false } = {}) {
    const started = Date.now();
    const shown = display ?? [program, ...args].map(quote).join(' ');
    if (!silent) out(`  $ ${shown}`);
    // Shown commands get stdout and stderr merged in order, as a terminal would show them.
    const r = silent
      ? spawnSync(program, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      : spawnSync('bash', ['-c', '"$0" "$@" 2>&1', program, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw new Error(`could not run ${shown}: ${r.error.message}`);
    if (!silent && !quiet) indent(`${r.stdout ?? ''}${r.stderr ? (r.stdout ? '\n' : '') + r.stderr : ''}`);
    if (!silent && timeIt) out(`    (${((Date.now() - started) / 1000).toFixed(2)} s)`);
    if (r.status !== 0 && !allowFail) {
      if (silent || quiet) indent(`${r.stdout}\n${r.stderr}`);
      throw new Error(`\`${shown}\` failed with exit code ${r.status}`);
    }
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  return {
    out,
    section(title) {
      step += 1;
      out();
      out(`── ${step}. ${title} ${'─'.repeat(Math.max(4, 72 - title.length))}`);
    },
    say(text) {
      out(`  ${text}`);
    },
    ok(text) {
      out(`  ✔ ${text}`);
    },
    skip(text) {
      out(`  (${text}: skipped)`);
    },
    run,
    cairn(cwd, args, options = {}) {
      return run(cwd, process.execPath, [cairnBin, ...args], { display: ['cairn', ...args].map(quote).join(' '), timeIt: true, ...options });
    },
    git(cwd, args, options = {}) {
      return run(cwd, 'git', args, options);
    },
    /** Whether the built CLI knows a command yet (`cairn help <name>` exits 0 only for known ones). */
    has(name) {
      const r = spawnSync(process.execPath, [cairnBin, 'help', name], { env, encoding: 'utf8' });
      return r.status === 0;
    },
  };
}

/** Number of regular files below a folder (0 when it does not exist). */
export function countFiles(dir) {
  let n = 0;
  let names;
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const d of names) {
    if (d.isDirectory()) n += countFiles(path.join(dir, d.name));
    else if (d.isFile()) n += 1;
  }
  return n;
}

/** SHA-256 of a whole folder's content (sorted relative paths and file bytes): equal digests mean equal trees. */
export function digestTree(dir) {
  const hash = createHash('sha256');
  const walk = (rel) => {
    const full = path.join(dir, rel);
    for (const name of readdirSync(full).sort()) {
      const child = path.join(rel, name);
      if (statSync(path.join(dir, child)).isDirectory()) walk(child);
      else hash.update(`${child}\0`).update(readFileSync(path.join(dir, child))).update('\0');
    }
  };
  walk('');
  return hash.digest('hex');
}

export function digestFile(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function sizeOf(file) {
  return statSync(file).size;
}
