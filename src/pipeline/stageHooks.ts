import type { LockEntry } from './lockFile.js';
import type { StageResult } from './runStage.js';
import type { Stage } from './types.js';

/**
 * What a caller (the experiments layer, which records runs) may add around each stage that actually runs, without
 * the pipeline knowing about tracking: extra environment for the commands, and the result once outputs are recorded.
 */
export interface StageHooks {
  /** Just before the stage's commands start; the returned variables are added to their environment. */
  beforeRun?(stage: Stage): Promise<Record<string, string>>;
  /** After the stage ran (or failed): its new lock entry once its outputs are hashed and cairn.lock written. */
  afterRun?(stage: Stage, result: StageResult, entry: LockEntry | undefined): Promise<void>;
}
