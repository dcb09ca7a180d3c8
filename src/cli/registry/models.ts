import type { CommandEntry } from '../commandSpec.js';

export const modelCommands: CommandEntry[] = [
  {
    name: 'model',
    summary: 'The model registry in Git tags, GTO-compatible: register versions, promote to aliases, fetch and bundle (register, promote, demote, deprecate, show, history, get, bundle)',
    examples: [
      'cairn model register churn --path models/churn.pkl',
      'cairn model register churn --bump minor --run 3f2a9c --push',
      'cairn model promote churn v0.1.0 --to prod --if "metrics.accuracy >= 0.9 and metrics.latency_ms < 20"',
      'cairn model demote churn --from staging',
      'cairn model deprecate churn v0.0.1',
      'cairn model show',
      'cairn model show churn --json',
      'cairn model history churn',
      'cairn model get churn#prod -o model.pkl',
      'cairn model get churn@v0.1.0 --repo https://github.com/acme/churn.git',
      'cairn model bundle churn@v0.1.0 -o churn-v0.1.0.tar.gz',
    ],
    load: () => import('../commands/model.js'),
  },
];
