import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CAIRN_BIN = path.join(PROJECT_ROOT, 'bin', 'cairn.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An environment for the built CLI that never reads the developer's own config or Git identity. */
export function testEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.invalid',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    // CAIRN_TEST_CACHE_LAYOUT=1 runs the suite with every new cache in layout 1 (loose objects only; 2 is the default).
    ...(process.env.CAIRN_TEST_CACHE_LAYOUT ? { CAIRN_CACHE_LAYOUT: process.env.CAIRN_TEST_CACHE_LAYOUT } : {}),
    ...extra,
  };
}

/** Runs a Node.js script as a child process and collects its exit code and output. */
export function runNode(script: string, args: string[], options: { cwd: string; env: Record<string, string>; input?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs the built `cairn` binary the way a user types it. */
export function cairn(cwd: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<RunResult> {
  return runNode(CAIRN_BIN, args, { cwd, env: { ...testEnv(env.HOME ?? cwd), ...env }, input });
}

/** Runs a shell command (git, cp...) synchronously in a folder and returns stdout; throws on failure. */
export function sh(cwd: string, command: string, env: Record<string, string> = {}): string {
  const r = spawnSync('bash', ['-c', command], { cwd, env: { ...testEnv(cwd), ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export interface TempDir {
  dir: string;
  /** Removes the folder (tests call it in `after`/`t.after`). */
  cleanup(): void;
}

export function tempDir(prefix = 'cairn-test-'): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh Git repository (with one empty commit) in a temp folder, with a HOME of its own beside it. */
export function tempGitRepo(): TempDir & { home: string; env: Record<string, string> } {
  const base = tempDir();
  const dir = path.join(base.dir, 'repo');
  const home = path.join(base.dir, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  const env = testEnv(home);
  sh(dir, 'git init -q -b main . && git commit -q --allow-empty -m init', env);
  return { dir, home, env, cleanup: base.cleanup };
}

/** Writes a small tree of files given as { "relative/path": "content" }. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}
