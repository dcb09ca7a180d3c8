import type { CommandEntry } from './commandSpec.js';
import { dataCommands } from './registry/data.js';
import { remoteCommands } from './registry/remote.js';
import { pipelineCommands } from './registry/pipeline.js';
import { experimentCommands } from './registry/experiments.js';
import { trackingCommands } from './registry/tracking.js';

/** Every command, in the order `cairn --help` lists them. Each area keeps its own list to avoid edit collisions. */
export const COMMANDS: CommandEntry[] = [...dataCommands, ...remoteCommands, ...pipelineCommands, ...experimentCommands, ...trackingCommands];

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
