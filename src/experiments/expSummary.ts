import type { ParamChange } from './overrides.js';

/**
 * What an experiment commit says about itself, in its message: a readable subject, and one machine-readable line
 * `cairn-experiment: {json}` in the body. `cairn exp show` reads 1,000 experiments with one `git for-each-ref`
 * instead of reading their params and metrics files commit by commit. Pure.
 */

export const SUMMARY_VERSION = 1;
const MARK = 'cairn-experiment: ';

export interface ExpSummary {
  version: number;
  name: string;
  /** The commit the experiment started from. */
  baseline: string;
  /** The `-S` changes it was run with. */
  changes: ParamChange[];
  /** Params the pipeline uses, by file then dotted key. */
  params: Record<string, Record<string, unknown>>;
  /** Metrics, by file then dotted key. */
  metrics: Record<string, Record<string, unknown>>;
  /** The oid of every dependency the stages ran with (the data versions). */
  deps: Record<string, string>;
  /** The tracking run that recorded it, when one did. */
  runId?: string;
  /** When it was run (ms), and how long it took. */
  created: number;
  durationMs: number;
}

/** A commit message for an experiment: subject, blank line, the summary line. */
export function formatExpMessage(s: ExpSummary): string {
  const changes = s.changes.map((c) => (c.op === 'delete' ? `~${c.key}` : `${c.key}=${JSON.stringify(c.value)}`)).join(' ');
  return `cairn exp ${s.name}${changes ? `: ${changes}` : ''}\n\n${MARK}${JSON.stringify(s)}\n`;
}

/** The summary in a commit body; null when the body has none (not an experiment commit, or a newer format). */
export function parseExpSummary(body: string): ExpSummary | null {
  const line = body.split('\n').find((l) => l.startsWith(MARK));
  if (!line) return null;
  try {
    const s = JSON.parse(line.slice(MARK.length)) as ExpSummary;
    return s && s.version === SUMMARY_VERSION && typeof s.name === 'string' ? s : null;
  } catch {
    return null;
  }
}
