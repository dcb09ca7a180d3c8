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
  {
    name: 'install',
    summary: 'Install Git hooks (post-checkout: checkout, pre-commit: status warning, pre-push: push) chained with existing ones, and the merge driver for cairn.lock and pointers',
    examples: ['cairn install', 'cairn install --hooks', 'cairn install --merge-driver'],
    load: () => import('../commands/install.js'),
  },
  {
    name: 'uninstall',
    summary: 'Remove the Git hooks and merge driver `cairn install` set up, putting back the hooks they chained',
    examples: ['cairn uninstall', 'cairn uninstall --hooks'],
    load: () => import('../commands/install.js'),
  },
  {
    name: 'merge-driver',
    summary: 'Plumbing Git runs to merge cairn.lock stage by stage and pointer files (merge.cairn.driver: cairn merge-driver %O %A %B %P)',
    examples: ['cairn merge-driver %O %A %B %P', 'git config merge.cairn.driver "cairn merge-driver %O %A %B %P"'],
    load: () => import('../commands/mergeDriver.js'),
  },
];
