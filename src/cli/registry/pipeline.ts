import type { CommandEntry } from '../commandSpec.js';

export const pipelineCommands: CommandEntry[] = [
  {
    name: 'repro',
    summary: 'Run the pipeline stages whose command, deps, params or outputs changed (upstream first, -j in parallel)',
    examples: ['cairn repro', 'cairn repro train --dry', 'cairn repro -j 4 --keep-going', 'cairn repro evaluate -f -s'],
    load: () => import('../commands/repro.js'),
  },
];
