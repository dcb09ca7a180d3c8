import type { CommandEntry } from '../commandSpec.js';

export const remoteCommands: CommandEntry[] = [];
