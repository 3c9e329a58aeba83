/** Every bot command, listed explicitly (a duplicate name fails at start-up). */
import type { CommandDefinition } from '../src/command-contract.js';
import { book } from './book.js';
import { cancel } from './cancel.js';
import { pause } from './pause.js';
import { resume } from './resume.js';
import { show } from './show.js';
import { status } from './status.js';
import { testAlert } from './test-alert.js';
import { token } from './token.js';
import { vacation } from './vacation.js';

export const commands: readonly CommandDefinition[] = [book, show, cancel, status, vacation, pause, resume, testAlert, token];

const names = new Set<string>();
for (const c of commands) {
  if (names.has(c.name)) throw new Error(`two commands are named ${c.name}`);
  names.add(c.name);
}

export function findCommand(name: string): CommandDefinition | undefined {
  return commands.find((c) => c.name === name);
}
