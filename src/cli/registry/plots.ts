import type { CommandEntry } from '../commandSpec.js';

export const plotsCommands: CommandEntry[] = [
  {
    name: 'plots',
    summary: 'Draw the plots files stages declare into one self-contained HTML page (plots show), or compare revisions (plots diff)',
    examples: [
      'cairn plots show',
      'cairn plots show logs/train.csv -x epoch -y loss,val_loss -o report.html',
      'cairn plots show --format svg -o images/',
      'cairn plots diff',
      'cairn plots diff main HEAD eval/confusion.json',
      'cairn plots show --json',
      'cairn plots show --run 1f3c9a2b --run 77e0d4c1 --metric loss',
      'cairn plots templates',
    ],
    load: () => import('../commands/plots.js'),
  },
];
