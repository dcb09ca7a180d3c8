import type { CommandEntry } from '../commandSpec.js';

export const pipelineCommands: CommandEntry[] = [
  {
    name: 'repro',
    summary: 'Run the pipeline stages whose command, deps, params or outputs changed (upstream first, -j in parallel)',
    examples: ['cairn repro', 'cairn repro train --dry', 'cairn repro train/cairn.yaml:fit', 'cairn repro -j 4 --keep-going', 'cairn repro evaluate -f -s', 'cairn repro --executor slurm'],
    load: () => import('../commands/repro.js'),
  },
  {
    name: 'stage',
    summary: 'Add a stage to cairn.yaml (stage add) or list the stages (stage list)',
    examples: [
      'cairn stage add -n train -d train.py -d data/clean -p train.lr -o model.pkl -M metrics.json python train.py',
      'cairn stage list',
      'cairn stage list --json',
    ],
    load: () => import('../commands/stage.js'),
  },
  {
    name: 'dag',
    summary: 'Show the graph of stages (terminal boxes, --mermaid, --dot or --json)',
    examples: ['cairn dag', 'cairn dag evaluate', 'cairn dag --mermaid > pipeline.mmd', 'cairn dag --dot | dot -Tsvg > dag.svg'],
    load: () => import('../commands/dag.js'),
  },
  {
    name: 'params',
    summary: 'Compare the params stages use across Git revisions and the workspace (params diff)',
    examples: ['cairn params diff', 'cairn params diff HEAD~1', 'cairn params diff v1 v2 --all --md'],
    load: () => import('../commands/params.js'),
  },
  {
    name: 'metrics',
    summary: 'Show metrics files (metrics show) or compare them across revisions with absolute and relative change (metrics diff)',
    examples: ['cairn metrics show', 'cairn metrics show --json', 'cairn metrics diff', 'cairn metrics diff main --md'],
    load: () => import('../commands/metrics.js'),
  },
  {
    name: 'freeze',
    summary: 'Mark stages frozen in cairn.yaml so `cairn repro` skips them',
    examples: ['cairn freeze prepare', 'cairn freeze build train', 'cairn freeze train/cairn.yaml:fit'],
    load: () => import('../commands/freeze.js'),
  },
  {
    name: 'unfreeze',
    summary: 'Clear the frozen mark of stages in cairn.yaml',
    examples: ['cairn unfreeze prepare'],
    load: () => import('../commands/unfreeze.js'),
  },
];
