import path from 'node:path';
import { after } from 'node:test';
import { slurmExecutor } from '../../src/pipeline/executors/slurm/slurmExecutor.js';
import { tempDir } from '../helpers/cli.js';
import { startSlurm, type SlurmCluster } from '../helpers/slurm.js';
import { runExecutorContract } from './executorContract.js';

// One cluster for every case (starting one takes about 0.3 s, but its first job waits about 3 s to be scheduled).
let cluster: Promise<SlurmCluster> | null = null;
after(async () => (await cluster)?.stop());

runExecutorContract('slurm', async () => {
  cluster ??= startSlurm();
  const c = await cluster;
  const tmp = tempDir('cairn-exec-');
  return {
    executor: slurmExecutor({ env: { PATH: process.env.PATH, ...c.env }, jobDir: path.join(tmp.dir, 'jobs') }),
    dir: tmp.dir, env: c.env,
    cleanup: async () => {
      await c.drain();
      tmp.cleanup();
    },
  };
});
