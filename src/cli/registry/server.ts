import type { CommandEntry } from '../commandSpec.js';

export const serverCommands: CommandEntry[] = [
  {
    name: 'server',
    summary: 'Run the team tracking server: an MLflow-compatible REST API on SQLite or PostgreSQL (server [start])',
    examples: [
      'cairn server',
      'cairn server --port 5000 --backend-store-uri sqlite:///srv/cairn/tracking.db',
      'cairn server --backend-store-uri postgresql://cairn@db/cairn --artifacts-destination s3://ml-artifacts/runs',
      'cairn server start --host 127.0.0.1 --port 0 --json',
      'cairn server --artifacts-destination /srv/cairn/artifacts --artifacts-max-upload 20GiB',
      'cairn server --host 0.0.0.0 --auth --max-body-mb 256',
      'cairn server --registry git',
      'cairn server token create --name ci-runner --scope write --expires 90d',
      'cairn server token list',
      'cairn server token revoke ci-runner',
    ],
    load: () => import('../commands/server.js'),
  },
  {
    name: 'ui',
    summary: "Open the web UI on this repository's runs: experiments, runs table, compare, lineage, models",
    examples: ['cairn ui', 'cairn ui --port 8080 --no-open', 'cairn ui --port 0 --json', 'cairn ui --backend-store-uri postgresql://cairn@db/cairn'],
    load: () => import('../commands/ui.js'),
  },
];
