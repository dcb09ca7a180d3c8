import type { RunContext } from '../core/context.js';
import { CairnError, isCairnError } from '../core/errors.js';
import type { Repo } from '../core/repo.js';
import { restorePath, type CheckoutSummary } from './restorePath.js';
import { selectTracked } from './trackedPaths.js';

export interface CheckoutResult extends CheckoutSummary {
  /** Tracked paths that could not be checked out (missing objects, local changes), with the reason. */
  failed: Array<{ path: string; code: string; message: string; hint?: string }>;
}

/**
 * `cairn checkout`: makes each selected tracked path (all without arguments) match its pointer, and each cached
 * pipeline output match what cairn.lock records. Every pointer is parsed first; then each path is restored on its
 * own, so one path with local changes does not block the others.
 */
export async function checkout(
  repo: Repo,
  options: { targets?: string[]; force?: boolean } & Partial<RunContext> & { cwd: string },
): Promise<CheckoutResult> {
  const selected = await selectTracked(repo, options.cwd, options.targets ?? [], { outputs: true });
  const out: CheckoutResult = { added: [], modified: [], deleted: [], unchanged: 0, failed: [] };
  for (const t of selected) {
    try {
      const s = await restorePath(repo, t.abs, t.pointer, { ...options, force: options.force });
      out.added.push(...s.added);
      out.modified.push(...s.modified);
      out.deleted.push(...s.deleted);
      out.unchanged += s.unchanged;
    } catch (err) {
      if (!isCairnError(err) || err.code === 'INTERRUPTED' || err.code === 'NO_SPACE') throw err;
      const hint = t.output ? outputHint(t.dataPath, t.output.stage, err.code) ?? err.hint : err.hint;
      out.failed.push({ path: t.dataPath, code: err.code, message: err.message, ...(hint ? { hint } : {}) });
    }
  }
  return out;
}

/** Pipeline outputs have no pointer to commit, and can be produced again: their hints say so. */
function outputHint(rel: string, stage: string, code: string): string | undefined {
  if (code === 'NOT_FOUND') return `fetch it with \`cairn pull ${rel}\`, or produce it again with \`cairn repro ${stage}\`; nothing was changed`;
  if (code === 'CONFLICT') return `${rel} is an output of stage '${stage}': discard the local changes with \`cairn checkout --force ${rel}\`, or copy the file elsewhere first`;
  return undefined;
}

/** The error a checkout with failures ends with: the worst code wins, conflicts first. */
export function checkoutError(result: CheckoutResult): CairnError | null {
  if (result.failed.length === 0) return null;
  const first = result.failed.find((f) => f.code === 'CONFLICT') ?? result.failed[0];
  return new CairnError(first.code as never, result.failed.map((f) => f.message).join('\n'), { hint: first.hint });
}
