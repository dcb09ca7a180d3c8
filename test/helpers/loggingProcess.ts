/**
 * A training program (Python, Node) that logs to a cairn server, run as a child process: it prints its run id first,
 * and it is killed after the test whatever happens.
 */
import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import type { TrackingStore } from '../../src/tracking/trackingStore.js';

export interface LoggingProcess {
  runId: string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stderr(): string;
}

export async function startLogging(t: TestContext, command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<LoggingProcess> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const runId = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()));
    void exited.then((code) => reject(new Error(`${command} exited with ${code} before printing its run id: ${stderr}`)));
  });
  return { runId, exited, stderr: () => stderr };
}

/** How many points of `key` the store has for the run once it has `count` of them, or after 10 s. */
export async function waitForPoints(store: TrackingStore, runId: string, key: string, count: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await store.getMetricHistory(runId, key, { max_results: 25_000 }).then((h) => h.metrics.length, () => 0);
    if (seen === count) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return seen;
}
