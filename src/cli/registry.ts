import type { CommandEntry } from './commandSpec.js';
import { dataCommands } from './registry/data.js';
import { remoteCommands } from './registry/remote.js';
import { pipelineCommands } from './registry/pipeline.js';
import { experimentCommands } from './registry/experiments.js';
import { trackingCommands } from './registry/tracking.js';
import { plotsCommands } from './registry/plots.js';
import { serverCommands } from './registry/server.js';
import { modelCommands } from './registry/models.js';
import { cicdCommands } from './registry/cicd.js';

/** The commands by area, with the heading `cairn --help` gives each. Each area keeps its own list to avoid edit collisions. */
export const COMMAND_GROUPS: { title: string; commands: CommandEntry[] }[] = [
  { title: 'Set-up and data versioning', commands: dataCommands },
  { title: 'Remotes and sharing', commands: remoteCommands },
  { title: 'Pipelines', commands: pipelineCommands },
  { title: 'Experiments and tracking', commands: [...experimentCommands, ...plotsCommands, ...trackingCommands] },
  { title: 'Model registry', commands: modelCommands },
  { title: 'Team server', commands: serverCommands },
  { title: 'Lineage, reproducibility and CI', commands: cicdCommands },
];

/** Every command, in the order `cairn --help` lists them. */
export const COMMANDS: CommandEntry[] = COMMAND_GROUPS.flatMap((g) => g.commands);

export function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}
