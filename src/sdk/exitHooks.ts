import type { RunStatus } from './eventLines.js';
import type { EventsWriter } from './eventsWriter.js';
import { activeRuns } from './run.js';

/** Every open writer of this process, flushed on the way out. */
export const openWriters = new Set<EventsWriter>();

let installed = false;
let exitStatus: RunStatus | undefined;

/** Ends every active run, innermost first, and flushes every file. */
export function endAll(status: RunStatus, ingest = true): void {
  // Outermost first: ending a run ends the runs nested in it, innermost first.
  for (const run of [...activeRuns]) run.end(status, { ingest });
  activeRuns.length = 0;
  for (const writer of openWriters) writer.flush();
}

const onExit = (code: number) => endAll(exitStatus ?? (code === 0 ? 'FINISHED' : 'FAILED'));

// A monitor observes an uncaught exception (or an unhandled rejection) without changing Node's own handling of it.
const onUncaught = () => {
  exitStatus = 'FAILED';
};

function onSignal(signal: NodeJS.Signals): void {
  exitStatus = 'KILLED';
  const others = process.listeners(signal).filter((l) => l !== onSignal);
  if (others.length) {
    // The program handles the signal itself: flush now; it decides when to exit ('exit' then ends the runs KILLED).
    for (const writer of openWriters) writer.flush();
    return;
  }
  // Ingestion is left to the next `cairn runs` command: a process being terminated should go quickly.
  endAll('KILLED', false);
  uninstallExitHooks();
  process.kill(process.pid, signal); // Node's default: die of the signal
}

/** Installed while runs are active, so a program that is done logging behaves exactly as without the SDK. */
export function installExitHooks(): void {
  if (installed) return;
  installed = true;
  exitStatus = undefined;
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onUncaught);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

export function uninstallExitHooks(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  process.off('uncaughtExceptionMonitor', onUncaught);
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
}
