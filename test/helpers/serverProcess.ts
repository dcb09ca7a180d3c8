/**
 * `cairn server` as a child process of the built CLI, the way a user starts it: on a free port (`--port 0 --json`),
 * returning once it prints its address; killed after the test (SIGKILL unless stopped before).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { CAIRN_BIN } from './cli.js';

export interface ServerProcess {
  url: string;
  proc: ChildProcess;
  /** Everything the server wrote on stderr so far (its request log). */
  stderr(): string;
  /** Sends `signal` (default SIGTERM: a graceful stop) and waits for the exit; returns the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export async function spawnServer(
  t: TestContext,
  options: { args: string[]; cwd: string; env: Record<string, string | undefined>; /** Default ['server']; ['ui'] for cairn ui. */ command?: string[] },
): Promise<ServerProcess> {
  const proc = spawn(process.execPath, [CAIRN_BIN, ...(options.command ?? ['server']), '--port', '0', '--json', ...options.args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cairn server did not start in 20 s: ${stderr}`)), 20_000);
    proc.stdout!.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`cairn server exited with ${code} before listening: ${stderr}`));
    });
  });
  return {
    url,
    proc,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
