import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitForPort } from './freePort.js';

export interface ServiceSpec {
  /** For messages ("nginx did not start: ..."). */
  name: string;
  command: string;
  args: string[];
  /** The port the service listens on (127.0.0.1); start() returns once it accepts connections. */
  port: number;
  /** A log file whose text goes into the message when the service exits at start-up. */
  logFile?: string;
  /** Starts the service in a process group of its own (for `kill` to take its workers too). */
  detached?: boolean;
  /** Kills a running service at once; the default is SIGKILL to the process itself. */
  kill?: (proc: ChildProcess) => void;
}

/** A server process the tests start, kill (as a crash would) and start again on the same port. */
export interface Service {
  start(): Promise<void>;
  /** Kills the service and waits for it to exit; nothing happens when it is not running. */
  stop(): Promise<void>;
}

export function service(spec: ServiceSpec): Service {
  let child: ChildProcess | null = null;
  const start = async () => {
    let stderr = '';
    let exited: string | null = null;
    const proc = spawn(spec.command, spec.args, { stdio: ['ignore', 'ignore', 'pipe'], detached: spec.detached ?? false });
    child = proc;
    proc.stderr!.on('data', (d) => (stderr += d));
    proc.on('exit', (code, signal) => {
      let log = '';
      if (spec.logFile) {
        try { log = readFileSync(spec.logFile, 'utf8'); } catch { /* none yet */ }
      }
      exited = `exited with ${code ?? signal}: ${stderr.trim()} ${log.trim()}`.trim();
    });
    proc.on('error', (err) => (exited = err.message));
    await waitForPort(spec.port, spec.name, () => exited);
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      if (spec.kill) spec.kill(proc);
      else proc.kill('SIGKILL');
    });
  };
  return { start, stop };
}
