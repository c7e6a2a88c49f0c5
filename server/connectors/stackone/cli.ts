// StackOne's `assay` commands: none of its own (connections:add/show/check cover it).
import type { Command } from '../../cli/main.ts';

export const cli: Record<string, Command> = {};
