import type { CommandEntry } from '../commandSpec.js';

/** Lineage, reproducibility proofs, pull-request reports and the Git integration CI pipelines build on. */
export const cicdCommands: CommandEntry[] = [
  {
    name: 'lineage',
    summary: 'Show the full chain behind a tracked file: commit, stages and commands, data versions of every input, params, the run and its metrics',
    examples: ['cairn lineage model.pkl', 'cairn lineage v1.2:model.pkl --json', 'cairn lineage model.pkl --rev main --mermaid > lineage.mmd'],
    load: () => import('../commands/lineage.js'),
  },
  {
    name: 'verify',
    summary: 'Reproduce the pipeline of a commit in an isolated workspace (run cache off) and check output by output that the bytes match cairn.lock',
    examples: ['cairn verify HEAD', 'cairn verify v1.2 --stage train', 'cairn verify main --json', 'cairn verify HEAD~3 --keep'],
    load: () => import('../commands/verify.js'),
  },
  {
    name: 'report',
    summary: 'Report what changed since a base revision (metrics with deltas, params, data, stages, plots) as Markdown for a pull-request comment, HTML or JSON',
    examples: ['cairn report', 'cairn report --rev main -o report.md', 'cairn report --rev v1.0 --to v1.1 --html -o report.html', 'cairn report --json'],
    load: () => import('../commands/report.js'),
  },
];
