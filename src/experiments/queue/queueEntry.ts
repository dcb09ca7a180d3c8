import type { ParamChange } from '../overrides.js';

/**
 * A queued experiment is a commit on `refs/cairn/queue/<name>`: the baseline's tree plus the user's uncommitted
 * changes and the -S edits, as they were when it was queued, so later edits in the workspace do not leak in. Its
 * message carries what the queue needs to run it. Pure.
 */

export const QUEUE_REF_PREFIX = 'refs/cairn/queue/';
const MARK = 'cairn-queued: ';

export interface QueueEntry {
  version: 1;
  name: string;
  baseline: string;
  changes: ParamChange[];
  targets: string[];
  queued: number;
}

export function formatQueueMessage(e: QueueEntry): string {
  return `cairn queued ${e.name}\n\n${MARK}${JSON.stringify(e)}\n`;
}

export function parseQueueEntry(body: string): QueueEntry | null {
  const line = body.split('\n').find((l) => l.startsWith(MARK));
  if (!line) return null;
  try {
    const e = JSON.parse(line.slice(MARK.length)) as QueueEntry;
    return e && e.version === 1 && typeof e.name === 'string' ? e : null;
  } catch {
    return null;
  }
}
