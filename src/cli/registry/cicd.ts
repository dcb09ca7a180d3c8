import type { CommandEntry } from '../commandSpec.js';

/** Lineage, reproducibility proofs, pull-request reports and the Git integration CI pipelines build on. */
export const cicdCommands: CommandEntry[] = [
  {
    name: 'lineage',
    summary: 'Show the full chain behind a tracked file: commit, stages and commands, data versions of every input, params, the run and its metrics',
    examples: ['cairn lineage model.pkl', 'cairn lineage v1.2:model.pkl --json', 'cairn lineage model.pkl --rev main --mermaid > lineage.mmd'],
    load: () => import('../commands/lineage.js'),
  },
];
