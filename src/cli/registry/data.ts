import type { CommandEntry } from '../commandSpec.js';

export const dataCommands: CommandEntry[] = [
  {
    name: 'init',
    summary: 'Make this Git repository (or folder, with --no-git) a cairn repository',
    examples: ['cairn init', 'cairn init --no-git'],
    load: () => import('../commands/init.js'),
  },
  {
    name: 'config',
    summary: 'Read or write a setting, as `git config` does',
    examples: ['cairn config cache.link hardlink,copy', 'cairn config core.autostage true --local', 'cairn config --list'],
    load: () => import('../commands/config.js'),
  },
  {
    name: 'add',
    summary: 'Track files and folders: store them in the cache and write <path>.cairn pointers for Git',
    examples: ['cairn add data/ model.bin', "cairn add 'raw/*.csv'", 'cairn add images --json'],
    load: () => import('../commands/add.js'),
  },
  {
    name: 'status',
    summary: 'Show what changed in tracked data since its pointers, and what is missing from the cache',
    examples: ['cairn status', 'cairn status data/ --json'],
    load: () => import('../commands/status.js'),
  },
  {
    name: 'commit',
    summary: 'Record the current content of tracked paths in the cache and their pointers',
    examples: ['cairn commit', 'cairn commit data/ model.bin'],
    load: () => import('../commands/commit.js'),
  },
  {
    name: 'checkout',
    summary: 'Make tracked data and pipeline outputs match their pointers and cairn.lock (after git checkout)',
    examples: ['cairn checkout', 'cairn checkout data/ --force', 'cairn checkout model.bin --json'],
    load: () => import('../commands/checkout.js'),
  },
  {
    name: 'diff',
    summary: 'Show files added, modified, deleted and renamed in tracked data between revisions or the workspace',
    examples: ['cairn diff', 'cairn diff HEAD~1', 'cairn diff v1.0 v2.0 data/ --json'],
    load: () => import('../commands/diff.js'),
  },
  {
    name: 'ls',
    summary: 'List tracked files, also inside tracked directories, with sizes and oids, at any revision',
    examples: ['cairn ls', 'cairn ls -R data/', 'cairn ls v1.0 data/images --json'],
    load: () => import('../commands/ls.js'),
  },
  {
    name: 'remove',
    summary: 'Stop tracking paths (pointer and .gitignore entry go; --outs deletes the data too)',
    examples: ['cairn remove data/', 'cairn remove model.bin.cairn --outs'],
    load: () => import('../commands/remove.js'),
  },
  {
    name: 'move',
    summary: 'Move or rename a tracked path: its data, pointer and .gitignore entry follow',
    examples: ['cairn move data/raw data/archive', 'cairn move model.bin models/'],
    load: () => import('../commands/move.js'),
  },
  {
    name: 'unprotect',
    summary: 'Make hardlinked or symlinked workspace files writable copies, to edit them',
    examples: ['cairn unprotect model.bin', 'cairn unprotect data/'],
    load: () => import('../commands/unprotect.js'),
  },
  {
    name: 'gc',
    summary: 'Delete cached objects that no pointer in the chosen scope uses',
    examples: ['cairn gc --workspace --dry-run', 'cairn gc --all-branches --all-tags --force'],
    load: () => import('../commands/gc.js'),
  },
  {
    name: 'fsck',
    summary: 'Verify every cached object by its hash; report corrupt and missing ones',
    examples: ['cairn fsck', 'cairn fsck --repair --json'],
    load: () => import('../commands/fsck.js'),
  },
  {
    name: 'du',
    summary: 'Show logical size, stored size and deduplication ratio of tracked paths and the cache',
    examples: ['cairn du', 'cairn du data/model.bin --json'],
    load: () => import('../commands/du.js'),
  },
  {
    name: 'cache',
    summary: 'Manage the cache: `cache migrate` converts it (or a remote) to layout 2, small objects in packs',
    examples: ['cairn cache migrate', 'cairn cache migrate --remote store --json'],
    load: () => import('../commands/cache.js'),
  },
];
