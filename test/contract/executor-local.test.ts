import { localExecutor } from '../../src/pipeline/executors/localExecutor.js';
import { tempDir } from '../helpers/cli.js';
import { runExecutorContract } from './executorContract.js';

runExecutorContract('local', async () => {
  const tmp = tempDir('cairn-exec-');
  return { executor: localExecutor({ killGraceMs: 500 }), dir: tmp.dir, cleanup: async () => tmp.cleanup() };
});
