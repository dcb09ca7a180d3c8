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
 * `cairn checkout`: makes each selected tracked path (all without arguments) match its pointer. Every pointer is
 * parsed first; then each path is restored on its own, so one path with local changes does not block the others.
 */
export async function checkout(
  repo: Repo,
  options: { targets?: string[]; force?: boolean } & Partial<RunContext> & { cwd: string },
): Promise<CheckoutResult> {
  const selected = await selectTracked(repo, options.cwd, options.targets ?? []);
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
      out.failed.push({ path: t.dataPath, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) });
    }
  }
  return out;
}

/** The error a checkout with failures ends with: the worst code wins, conflicts first. */
export function checkoutError(result: CheckoutResult): CairnError | null {
  if (result.failed.length === 0) return null;
  const first = result.failed.find((f) => f.code === 'CONFLICT') ?? result.failed[0];
  return new CairnError(first.code as never, result.failed.map((f) => f.message).join('\n'), { hint: first.hint });
}
