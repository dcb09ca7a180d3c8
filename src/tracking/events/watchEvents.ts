import { existsSync } from 'node:fs';
import { ingestEvents, type IngestEventsOptions, type IngestEventsResult } from './ingestEvents.js';

export interface WatchEventsOptions extends IngestEventsOptions {
  /** How often the file is read while the program runs (default 500 ms). */
  intervalMs?: number;
  /** Called with an ingestion error while watching (the watch goes on); `stop()` reports the final one itself. */
  onError?: (err: unknown) => void;
}

export interface EventsWatch {
  /** Stops watching, then ingests what is left (the whole file, at the stage's end) and returns that last result. */
  stop(): Promise<IngestEventsResult | null>;
}

/**
 * Ingests an events file while the program writing it runs (a stage's CAIRN_EVENTS), so `cairn runs show` sees its
 * metrics live. Ingestions never overlap; a missing file is simply not there yet. The timer never keeps the process
 * alive on its own.
 */
export function watchEvents(options: WatchEventsOptions): EventsWatch {
  const interval = options.intervalMs ?? 500;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = (existsSync(options.file) ? ingestEvents(options) : Promise.resolve(null))
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        if (!stopped) schedule();
      });
  };
  const schedule = () => {
    timer = setTimeout(tick, interval);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      return existsSync(options.file) ? ingestEvents(options) : null;
    },
  };
}
