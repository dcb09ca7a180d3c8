import type { CommandEntry } from '../commandSpec.js';

export const experimentCommands: CommandEntry[] = [
  {
    name: 'exp',
    summary: 'Run, compare and keep experiments: the pipeline with changed params, saved on refs/cairn/exps/ (run, show, diff, apply, branch, remove)',
    examples: [
      'cairn exp run -S train.lr=0.01',
      "cairn exp run -S 'train.lr=0.1,0.01' -S 'train.depth=range(2,8,2)' -j 2",
      'cairn exp show --sort-by metrics.f1 --only-changed',
      'cairn exp diff brisk-oak calm-pine',
      'cairn exp apply brisk-oak',
      'cairn exp branch brisk-oak tuned-model',
      'cairn exp remove brisk-oak calm-pine',
      'cairn exp push origin brisk-oak',
      'cairn exp pull origin',
    ],
    load: () => import('../commands/exp.js'),
  },
  {
    name: 'queue',
    summary: 'Run queued experiments (cairn exp run --queue), N at a time; see their status and logs, remove or kill them',
    examples: [
      "cairn exp run --queue -S 'train.lr=0.1,0.01,0.001'",
      'cairn queue start -j 2',
      'cairn queue start --executor slurm',
      'cairn queue status',
      'cairn queue logs brisk-oak -f',
      'cairn queue kill brisk-oak',
      'cairn queue remove --all',
    ],
    load: () => import('../commands/queue.js'),
  },
];
