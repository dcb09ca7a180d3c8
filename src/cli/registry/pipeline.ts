import type { CommandEntry } from '../commandSpec.js';

export const pipelineCommands: CommandEntry[] = [];
