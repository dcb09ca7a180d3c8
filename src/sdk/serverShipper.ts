import { existsSync } from 'node:fs';
import { ingestEvents } from '../tracking/events/ingestEvents.js';
import { HttpTrackingStore } from '../tracking/http/httpTrackingStore.js';
import { serverArtifactBlobs } from '../tracking/http/serverBlobs.js';
import { trackingAuthFromEnv } from '../tracking/http/trackingHttpClient.js';
import type { Env } from './runTarget.js';

export interface ServerShipper {
  /** Stops sending (the run's end hands the rest to `cairn runs ingest`, which continues where this stopped). */
  cancel(): void;
}

/**
 * Sends a run's outbox file to the server while the run goes on, with the same ingestion code as everywhere (so
 * the server's runs view is live): every `intervalMs`, what was flushed since the last time, artifacts included
 * (uploaded by oid). Failures wait for the next tick: the lines stay in the file. Never keeps the process alive.
 */
export function shipToServer(options: { events: string; uri: string; env: Env; user?: string; intervalMs?: number }): ServerShipper {
  const store = new HttpTrackingStore({ uri: options.uri, auth: trackingAuthFromEnv(options.env), user: options.user });
  const blobs = serverArtifactBlobs(store.client);
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (cancelled) return;
    timer = setTimeout(tick, options.intervalMs ?? 1000);
    timer.unref();
  };
  const tick = () => {
    const send = existsSync(options.events) ? ingestEvents({ store, file: options.events, blobs }) : Promise.resolve();
    send.catch(() => { /* the server is away or busy: the next tick (or the run's end) sends it */ }).finally(schedule);
  };
  schedule();
  return {
    cancel() {
      cancelled = true;
      if (timer) clearTimeout(timer);
    },
  };
}
