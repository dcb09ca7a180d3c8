import type { RunContext } from '../../core/context.js';
import { CairnError } from '../../core/errors.js';
import { didYouMean } from '../../core/didYouMean.js';
import type { Repo } from '../../core/repo.js';
import type { Executor } from '../stageExecutor.js';
import { localExecutor } from './localExecutor.js';
import { slurmExecutor } from './slurm/slurmExecutor.js';
import path from 'node:path';

export const EXECUTORS = ['local', 'slurm'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

/** The executor `--executor NAME` (or `pipeline.executor`) names; each one more executor is one more line here. */
export function openExecutor(name: string, repo: Repo, ctx: RunContext): Executor {
  switch (name) {
    case 'local': return localExecutor({ signal: ctx.signal, kill: ctx.kill });
    case 'slurm': return slurmExecutor({ env: ctx.env, jobDir: path.join(repo.tmpDir, 'slurm') });
    default: {
      const guess = didYouMean(name, EXECUTORS);
      throw new CairnError('USAGE', `unknown executor "${name}"`, { hint: `${guess ? `did you mean "${guess}"? ` : ''}executors: ${EXECUTORS.join(', ')}` });
    }
  }
}
