import { spawn } from 'node:child_process';
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import path from 'node:path';
import { pythonPathWithClient } from '../core/packagePaths.js';
import { CairnError, fromSystemError } from '../core/errors.js';

/** How many lines of a failed command's output are reported (the whole output stays in the log file). */
export const TAIL_LINES = 20;
/** How long a stage gets to exit after SIGINT before its process group is killed (a second Ctrl-C kills at once). */
export const KILL_GRACE_MS = 3000;

export type OutputSink = (text: string, stream: 'stdout' | 'stderr') => void;

export interface ExecOptions {
  stage: string;
  /** Run one after another through `<shell> -c`; the first failure stops the rest. */
  cmds: string[];
  /** The shell that runs each command (see `stageShell`); `/bin/sh` when not given. */
  shell?: string;
  /** Absolute working directory. */
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  signal?: AbortSignal;
  /** Aborted when the caller must exit now (a second Ctrl-C): the process group gets SIGKILL at once. */
  kill?: AbortSignal;
  onOutput?: OutputSink;
  /** Emit whole lines prefixed with `[stage] ` (used with -j > 1 so interleaved output stays readable). */
  prefixLines?: boolean;
  killGraceMs?: number;
}

export interface ExecResult {
  ok: boolean;
  /** Exit code of the failed (or last) command; null when it died of a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  interrupted: boolean;
  /** The command that failed, when one did. */
  failedCmd?: string;
  /** The last lines of combined stdout and stderr. */
  tail: string[];
}

/**
 * The environment a stage runs with: the caller's environment (so virtualenvs, CUDA and credential variables work
 * as in the user's shell), a default PATH and LANG when missing, PYTHONUNBUFFERED=1 unless set (so Python output
 * streams live through the pipe), and CAIRN_STAGE, CAIRN_ROOT, CAIRN_WDIR. The environment is not part of a stage's
 * identity: it is neither locked nor in the run-cache key.
 */
export function stageEnv(base: Record<string, string | undefined>, info: { stage: string; root: string; wdir: string }): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  if (!env.PATH) env.PATH = '/usr/local/bin:/usr/bin:/bin';
  if (!env.LANG && !env.LC_ALL) env.LANG = 'C.UTF-8';
  if (env.PYTHONUNBUFFERED === undefined) env.PYTHONUNBUFFERED = '1';
  // `import cairn` works in every stage with no set-up: the Python client shipped with cairn comes first.
  env.PYTHONPATH = pythonPathWithClient(env.PYTHONPATH);
  const absWdir = path.resolve(info.root, info.wdir);
  env.PWD = absWdir;
  env.CAIRN_STAGE = info.stage;
  env.CAIRN_ROOT = info.root;
  env.CAIRN_WDIR = absWdir;
  return env;
}

/** The shell stage commands run through: the user's `$SHELL`, as DVC does, else `/bin/sh`. */
export function stageShell(env: Record<string, string | undefined>): string {
  return env.SHELL && env.SHELL.trim() !== '' ? env.SHELL : '/bin/sh';
}

/** Start-up files a shell would read for `-c`, skipped as DVC skips them: a stage must not depend on the user's rc files. */
const NO_RC_FLAGS: Record<string, string[]> = { bash: ['--noprofile', '--norc'], zsh: ['--no-rcs'], fish: ['--no-config'] };

/** The argv that runs `cmd` through `shell`. Pure. */
export function shellArgv(shell: string, cmd: string): string[] {
  const name = path.basename(shell).toLowerCase();
  return [shell, ...(NO_RC_FLAGS[name] ?? []), '-c', cmd];
}

/** Keeps the last `max` complete lines of a stream of chunks, plus the unfinished one. */
export function tailKeeper(max: number) {
  const lines: string[] = [];
  let partial = '';
  return {
    push(text: string) {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > max) lines.shift();
      }
    },
    get(): string[] {
      return partial ? [...lines, partial].slice(-max) : [...lines];
    },
  };
}

/** Turns chunks into whole lines prefixed with `[stage] `; flush() emits an unfinished last line. */
export function linePrefixer(prefix: string, emit: (text: string) => void) {
  let partial = '';
  return {
    push(text: string) {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      if (parts.length) emit(parts.map((l) => `${prefix}${l}\n`).join(''));
    },
    flush() {
      if (partial) emit(`${prefix}${partial}\n`);
      partial = '';
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function runOne(cmd: string, options: ExecOptions, log: WriteStream, tail: ReturnType<typeof tailKeeper>) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; interrupted: boolean }>((resolve, reject) => {
    // detached: the command gets its own process group, so an interrupt reaches every process it started.
    const [exe, ...args] = shellArgv(options.shell ?? '/bin/sh', cmd);
    const child = spawn(exe, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let interrupted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      interrupted = true;
      if (child.pid === undefined) return;
      killGroup(child.pid, 'SIGINT');
      killTimer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), options.killGraceMs ?? KILL_GRACE_MS);
    };
    // A process group that ignores SIGINT (or is slow) would outlive a cairn that exits now: kill it first.
    const onKill = () => {
      interrupted = true;
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    options.kill?.addEventListener('abort', onKill, { once: true });
    if (options.kill?.aborted) onKill();
    const prefixers = options.prefixLines
      ? {
        stdout: linePrefixer(`[${options.stage}] `, (t) => options.onOutput?.(t, 'stdout')),
        stderr: linePrefixer(`[${options.stage}] `, (t) => options.onOutput?.(t, 'stderr')),
      }
      : null;
    const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString();
      log.write(chunk);
      tail.push(text);
      if (prefixers) prefixers[stream].push(text);
      else options.onOutput?.(text, stream);
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.on('error', (err) => {
      options.signal?.removeEventListener('abort', onAbort);
      options.kill?.removeEventListener('abort', onKill);
      reject((err as NodeJS.ErrnoException).code === 'ENOENT'
        ? new CairnError('NOT_FOUND', `could not start the shell ${exe} for stage ${options.stage}: it does not exist`, {
          hint: 'stage commands run through $SHELL (else /bin/sh); set SHELL to an installed shell',
        })
        : fromSystemError(err, `could not start the shell ${exe} for stage ${options.stage}`));
    });
    child.on('exit', () => {
      // The shell is gone; after an interrupt, what it left in its group (background jobs ignore SIGINT) goes too.
      if (interrupted && child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      options.kill?.removeEventListener('abort', onKill);
      if (killTimer) clearTimeout(killTimer);
      prefixers?.stdout.flush();
      prefixers?.stderr.flush();
      resolve({ code, signal, interrupted });
    });
  });
}

/** Runs a stage's commands in its own process group, streaming output to the sink and to its log file. */
export async function runStageCommands(options: ExecOptions): Promise<ExecResult> {
  await fs.mkdir(path.dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile);
  const tail = tailKeeper(TAIL_LINES);
  let last: { code: number | null; signal: NodeJS.Signals | null } = { code: 0, signal: null };
  try {
    for (const cmd of options.cmds) {
      if (options.signal?.aborted) return { ok: false, exitCode: null, signal: null, interrupted: true, tail: tail.get() };
      log.write(`$ ${cmd}\n`);
      const r = await runOne(cmd, options, log, tail);
      last = r;
      if (r.interrupted) return { ok: false, exitCode: r.code, signal: r.signal, interrupted: true, failedCmd: cmd, tail: tail.get() };
      if (r.code !== 0) return { ok: false, exitCode: r.code, signal: r.signal, interrupted: false, failedCmd: cmd, tail: tail.get() };
    }
    return { ok: true, exitCode: last.code, signal: null, interrupted: false, tail: tail.get() };
  } finally {
    await new Promise<void>((resolve) => log.end(resolve));
  }
}

/** Where a stage's log lives: `.cairn/tmp/logs/<stage>.log`, with characters unsafe in a file name replaced. */
export function stageLogPath(tmpDir: string, stage: string): string {
  return path.join(tmpDir, 'logs', `${stage.replace(/[^A-Za-z0-9@._+=,-]/g, '_')}.log`);
}
