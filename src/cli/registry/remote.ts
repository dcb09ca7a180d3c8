import type { CommandEntry } from '../commandSpec.js';

export const remoteCommands: CommandEntry[] = [
  {
    name: 'remote',
    summary: 'Add, list, modify, rename or remove remotes (directory, S3, SFTP, WebDAV, HTTP)',
    examples: [
      'cairn remote add -d origin /mnt/shared/cairn-storage',
      'cairn remote add store s3://my-bucket/project && cairn remote modify store endpoint_url http://127.0.0.1:9000',
      'cairn remote list --json',
      'cairn remote modify origin jobs 16',
      'cairn remote default origin',
      'cairn remote rename origin nas',
      'cairn remote remove old-nas',
    ],
    load: () => import('../commands/remote.js'),
  },
  {
    name: 'push',
    summary: 'Send the data of tracked paths to a remote (only what it lacks, in parallel)',
    examples: ['cairn push', 'cairn push data/images -r store -j 32', 'cairn push model.pkl', 'cairn push --all-branches --run-cache'],
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
  {
    name: 'get',
    summary: 'Download a tracked file or folder from another cairn repository (no clone kept)',
    examples: [
      'cairn get https://github.com/org/datasets.git images/train -o train',
      'cairn get ../other-repo model.bin --rev v1.2',
    ],
    load: () => import('../commands/get.js'),
  },
  {
    name: 'import',
    summary: 'Bring a tracked file or folder of another repository into this one, recording its source',
    examples: ['cairn import https://github.com/org/datasets.git images/train --rev main', 'cairn import ../other-repo model.bin -o models/base.bin'],
    load: () => import('../commands/import.js'),
  },
  {
    name: 'update',
    summary: 'Move an imported path to the newest commit of its revision (or to --rev)',
    examples: ['cairn update train', 'cairn update models/base.bin --rev v2.0'],
    load: () => import('../commands/update.js'),
  },
];
