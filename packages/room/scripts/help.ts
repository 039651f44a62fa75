import { helpMain } from '../src/commands/help.js';
import { exitWhenWritten, terminalIo } from './tty.js';

// pnpm room:help (see src/commands/help.ts).
exitWhenWritten(await helpMain(process.argv.slice(2), terminalIo()));
