import { execFile, spawn } from 'node:child_process';
import { CairnError } from '../core/errors.js';

/** The only place that runs the `git` executable. Every function takes the working directory explicitly. */

export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

const MAX_BUFFER = 1 << 30;

/** Runs git and returns its output; rejects with a CairnError naming the command when git fails. */
export function git(cwd: string, args: string[], options: { input?: string; allowFail?: boolean; env?: Record<string, string> } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, maxBuffer: MAX_BUFFER, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new CairnError('NOT_FOUND', 'git is not installed or not on the PATH', { hint: 'install git, or use `cairn init --no-git`' }));
          return;
        }
        if (code !== 0 && !options.allowFail) {
          reject(new CairnError('INTERNAL', `git ${args.join(' ')} failed: ${stderr.trim() || stdout.trim()}`, { data: { code } }));
          return;
        }
        resolve({ stdout, stderr, code });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Reads raw bytes of git output (for blobs that may not be UTF-8). */
export function gitBuffer(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new CairnError('INTERNAL', `git ${args.join(' ')} failed: ${Buffer.concat(err).toString().trim()}`));
    });
  });
}

export async function isGitRepo(cwd: string): Promise<boolean> {
  const r = await git(cwd, ['rev-parse', '--is-inside-work-tree'], { allowFail: true });
  return r.code === 0 && r.stdout.trim() === 'true';
}

export async function gitRoot(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--show-toplevel'])).stdout.trim();
}

/** Resolves a revision to a full commit id, with a clear NOT_FOUND for an unknown revision. */
export async function resolveRev(cwd: string, rev: string): Promise<string> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { allowFail: true });
  if (r.code !== 0) {
    throw new CairnError('NOT_FOUND', `unknown Git revision "${rev}"`, { hint: 'use a branch, tag or commit id that `git log` shows' });
  }
  return r.stdout.trim();
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  object: string;
  path: string;
}

/** Lists files at a revision (recursively), optionally under some paths. Paths are relative to the repo root. */
export async function lsTree(cwd: string, rev: string, paths: string[] = []): Promise<TreeEntry[]> {
  const r = await git(cwd, ['ls-tree', '-r', '-z', '--full-tree', rev, '--', ...paths]);
  return r.stdout
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, object] = line.slice(0, tab).split(' ');
      return { mode, type: type as TreeEntry['type'], object, path: line.slice(tab + 1) };
    });
}

/** Reads a file's content at a revision, or null when it does not exist there. */
export async function showFile(cwd: string, rev: string, file: string): Promise<string | null> {
  const r = await git(cwd, ['show', `${rev}:${file}`], { allowFail: true });
  return r.code === 0 ? r.stdout : null;
}

/** Reads many blobs at once through one `git cat-file --batch` process. */
export async function catFileBatch(cwd: string, objects: string[]): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  if (objects.length === 0) return result;
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new CairnError('INTERNAL', 'git cat-file --batch failed'))));
    child.stdin.end(objects.join('\n') + '\n');
  });
  let pos = 0;
  for (const object of objects) {
    const nl = raw.indexOf(10, pos);
    const header = raw.subarray(pos, nl).toString();
    pos = nl + 1;
    const parts = header.split(' ');
    if (parts[1] === 'missing') continue;
    const size = Number(parts[2]);
    result.set(object, raw.subarray(pos, pos + size));
    pos += size + 1;
  }
  return result;
}

/** The commits a gc or push scope covers: the working tree's HEAD, all branches, all tags, or every commit. */
export async function listScopeCommits(
  cwd: string,
  scope: { allBranches?: boolean; allTags?: boolean; allCommits?: boolean },
): Promise<string[]> {
  const revs = new Set<string>();
  const head = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD'], { allowFail: true });
  if (head.code === 0) revs.add(head.stdout.trim());
  if (scope.allCommits) {
    const r = await git(cwd, ['rev-list', '--all'], { allowFail: true });
    r.stdout.split('\n').filter(Boolean).forEach((c) => revs.add(c));
    return [...revs];
  }
  const refs: string[] = [];
  if (scope.allBranches) refs.push('refs/heads');
  if (scope.allTags) refs.push('refs/tags');
  if (refs.length) {
    const r = await git(cwd, ['for-each-ref', '--format=%(objectname) %(objecttype) %(*objectname)', ...refs]);
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const [obj, type, peeled] = line.split(' ');
      revs.add(type === 'tag' && peeled ? peeled : obj);
    }
  }
  return [...revs];
}

export async function gitAdd(cwd: string, paths: string[]): Promise<void> {
  if (paths.length) await git(cwd, ['add', '--', ...paths]);
}

/** Which of `paths` git already ignores (relative to cwd). */
export async function checkIgnored(cwd: string, paths: string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const r = await git(cwd, ['check-ignore', '--no-index', '-z', '--stdin'], { input: paths.join('\0') + '\0', allowFail: true });
  // check-ignore -z with --stdin reads NUL-separated paths only when -z is given; output is NUL separated.
  return new Set(r.stdout.split('\0').filter(Boolean));
}

export async function headCommit(cwd: string): Promise<string | null> {
  const r = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD'], { allowFail: true });
  return r.code === 0 ? r.stdout.trim() : null;
}

/**
 * Working-tree files matching pathspecs (relative to cwd): committed or staged ones that still exist, plus untracked
 * ones Git does not ignore. Git skips ignored folders, so large ignored data is never walked.
 */
export async function lsFiles(cwd: string, pathspecs: string[]): Promise<string[]> {
  const r = await git(cwd, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs]);
  return [...new Set(r.stdout.split('\0').filter(Boolean))];
}

/** Makes a bare clone of `url` into `dest` (every branch and tag, no working tree), for reading another repo's history. */
export async function cloneBare(url: string, dest: string, options: { partial?: boolean; cwd: string }): Promise<void> {
  // A partial clone (blob:none) fetches file contents only when read; git ignores the filter for local paths.
  const args = ['clone', '--quiet', '--bare', ...(options.partial ? ['--filter=blob:none'] : []), '--', url, dest];
  const r = await git(options.cwd, args, { allowFail: true });
  if (r.code !== 0) {
    const reason = r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit code ${r.code}`;
    throw new CairnError('NOT_FOUND', `could not clone ${url}: ${reason}`, {
      hint: 'check the URL or path of the Git repository, and that you may read it',
    });
  }
}

/** Reads a file at a revision as raw bytes (null when it does not exist there). */
export async function showFileBuffer(cwd: string, rev: string, file: string): Promise<Buffer | null> {
  const r = await git(cwd, ['cat-file', '-e', `${rev}:${file}`], { allowFail: true });
  if (r.code !== 0) return null;
  return gitBuffer(cwd, ['cat-file', 'blob', `${rev}:${file}`]);
}
