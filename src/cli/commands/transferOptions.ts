import type { Command } from 'commander';
import { CairnError } from '../../core/errors.js';
import type { TransferRequest } from '../../remote/pushPull.js';

/** The options push, pull and fetch share. */
export function configureTransfer(cmd: Command, verb: string): Command {
  return cmd
    .argument('[targets...]', `tracked paths or pipeline outputs to ${verb} (default: every tracked path and cairn.lock output in the workspace)`)
    .option('-r, --remote <name>', 'the remote to use (default: core.remote, or the only remote)')
    .option('-j, --jobs <n>', 'parallel transfers (default: 8 for a directory, 4 x cores for network remotes, or the remote\'s jobs option)')
    .option('-a, --all-branches', 'also every tracked path at the tip of every branch')
    .option('-T, --all-tags', 'also every tracked path at every tag')
    .option('-A, --all-commits', 'also every tracked path at every commit')
    .option('--run-cache', 'also the pipeline run cache and the outputs it records')
    .option('--json', 'print the result as JSON');
}

export function transferRequest(args: string[], opts: Record<string, unknown>): TransferRequest {
  let jobs: number | undefined;
  if (opts.jobs !== undefined) {
    jobs = Number(opts.jobs);
    if (!Number.isSafeInteger(jobs) || jobs < 1) {
      throw new CairnError('USAGE', `-j needs a whole number above 0, not "${String(opts.jobs)}"`, { hint: 'e.g. -j 16' });
    }
  }
  return {
    targets: args.flat(),
    remote: opts.remote as string | undefined,
    jobs,
    allBranches: Boolean(opts.allBranches),
    allTags: Boolean(opts.allTags),
    allCommits: Boolean(opts.allCommits),
    runCache: Boolean(opts.runCache),
  };
}
