import type { CommandEntry } from '../commandSpec.js';

export const remoteCommands: CommandEntry[] = [
  {
    name: 'remote',
    summary: 'Add, list, modify, rename or remove remotes (directory, S3, SFTP, WebDAV, HTTP)',
    examples: [
      'cairn remote add -d origin /mnt/shared/cairn-storage',
      'cairn remote add store s3://my-bucket/project && cairn remote modify store endpoint_url http://127.0.0.1:9000',
      'cairn remote list --json',
    ],
    load: () => import('../commands/remote.js'),
  },
  {
    name: 'push',
    summary: 'Send the data of tracked paths to a remote (only what it lacks, in parallel)',
    examples: ['cairn push', 'cairn push data/images -r store -j 32', 'cairn push --all-branches --run-cache'],
    load: () => import('../commands/push.js'),
  },
  {
    name: 'fetch',
    summary: 'Bring the data of tracked paths from a remote into the cache, verified (workspace untouched)',
    examples: ['cairn fetch', 'cairn fetch --all-tags -r store'],
    load: () => import('../commands/fetch.js'),
  },
  {
    name: 'pull',
    summary: 'fetch, then check out the tracked paths in the workspace',
    examples: ['cairn pull', 'cairn pull model.bin -r store', 'cairn pull --run-cache'],
    load: () => import('../commands/pull.js'),
  },
];
