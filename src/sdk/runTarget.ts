import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CairnError } from '../core/errors.js';
import { CAIRN_CLI_SCRIPT } from '../core/packagePaths.js';
import { checkRunId } from './eventLines.js';

export type Env = Record<string, string | undefined>;

/** The events file and run id of the stage cairn is running this process as, if any. */
export function stageContext(env: Env): { events: string; runId: string } | undefined {
  const events = env.CAIRN_EVENTS;
  const runId = env.CAIRN_RUN_ID;
  if (!events || !runId) return undefined;
  return { events: path.resolve(events), runId: checkRunId(runId, 'the environment variable CAIRN_RUN_ID') };
}

function findRepoRoot(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.cairn');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where a run the SDK creates itself goes: CAIRN_EVENTS alone (the user's file), else a pending file in the repo. */
export function ownRunFile(env: Env, cwd: string, runId: string): { events: string; root?: string; server?: string } {
  if (env.CAIRN_EVENTS) return { events: path.resolve(cwd, env.CAIRN_EVENTS) };
  const uri = (env.CAIRN_TRACKING_URI ?? '').trim();
  const root = findRepoRoot(cwd);
  if (/^https?:\/\//i.test(uri)) {
    // Runs for a server are written to an outbox file first (so nothing is lost while the server is away), sent
    // from there while the run goes on, and removed once the server has all of it.
    const outbox = root ? path.join(root, '.cairn', 'tracking', 'outbox') : path.join(os.tmpdir(), 'cairn-outbox');
    mkdirSync(outbox, { recursive: true });
    return { events: path.join(outbox, `${runId}.jsonl`), root: root ?? cwd, server: uri };
  }
  if (!root) {
    throw new CairnError('NOT_FOUND', `no cairn repository here (no .cairn/ folder in ${cwd} or any parent), and this is not a stage run by cairn (CAIRN_EVENTS is not set)`, {
      hint: 'run from inside a cairn repository (`cairn init` makes one), run it as a pipeline stage (`cairn repro`), set CAIRN_EVENTS to the events file to write, or set CAIRN_TRACKING_URI to a cairn server',
    });
  }
  const pending = path.join(root, '.cairn', 'tracking', 'pending');
  mkdirSync(pending, { recursive: true });
  return { events: path.join(pending, `${runId}.jsonl`), root };
}

/** How to run cairn: CAIRN_BIN (an executable, or a .js file run with node), else this package's own bin/cairn.js. */
export function cairnCommand(env: Env): string[] {
  const configured = env.CAIRN_BIN;
  if (configured) return /\.[cm]?js$/.test(configured) ? [process.execPath, configured] : [configured];
  return [process.execPath, CAIRN_CLI_SCRIPT];
}

/** Runs `cairn runs ingest <file>`; returns why it failed (the file then stays pending for the next cairn command). */
export function ingestRun(events: string, root: string, env: Env, options: { removeWhenDone?: boolean } = {}): string | undefined {
  const [program, ...args] = cairnCommand(env);
  const result = spawnSync(program, [...args, 'runs', 'ingest', events], {
    cwd: root, env: { ...env, CAIRN_EVENTS: undefined, CAIRN_RUN_ID: undefined }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 600_000,
  });
  if (result.error) return `could not run ${program}: ${result.error.message}`;
  if (result.status !== 0) return `\`cairn runs ingest\` failed (exit ${result.status}): ${(result.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`;
  // An outbox file the server now has all of is removed here (cairn removes only pending files of its own).
  if (options.removeWhenDone) rmSync(events, { force: true });
  // Fully ingested (cairn removed the pending file): the artifact copies are in the cache now.
  if (!existsSync(events)) rmSync(`${events}.d`, { recursive: true, force: true });
  return undefined;
}

/** MLflow's system tags for a run started outside cairn. */
export function systemTags(root: string | undefined, script: string | undefined): Record<string, string> {
  const tags: Record<string, string> = { 'mlflow.source.type': 'LOCAL' };
  try {
    tags['mlflow.user'] = os.userInfo().username;
  } catch { /* no user name in some containers */ }
  if (script) tags['mlflow.source.name'] = root ? path.relative(root, path.resolve(script)) : path.resolve(script);
  if (root) {
    const git = spawnSync('git', ['rev-parse', '--verify', '-q', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const commit = (git.stdout ?? '').trim();
    if (git.status === 0 && /^[0-9a-f]{40}$/.test(commit)) tags['mlflow.source.git.commit'] = commit;
  }
  return tags;
}
