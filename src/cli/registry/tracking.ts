import type { CommandEntry } from '../commandSpec.js';

export const trackingCommands: CommandEntry[] = [
  {
    name: 'runs',
    summary: 'List, show, delete and restore tracked runs; ingest events files; push runs to a server (runs list|show|delete|restore|ingest|push)',
    examples: [
      'cairn runs list',
      "cairn runs list --filter \"metrics.acc > 0.9 and params.opt = 'adam'\" --order-by 'metrics.acc DESC'",
      'cairn runs list -e cats --all -n 100 --json',
      'cairn runs show 1f3c9a2b',
      'cairn runs delete 1f3c9a2b 77e0d4c1',
      'cairn runs restore 1f3c9a2b',
      'cairn runs ingest .cairn/tracking/pending/*.jsonl',
      'cairn runs push http://tracking.example:5000 -e cats',
    ],
    load: () => import('../commands/runs.js'),
  },
];
