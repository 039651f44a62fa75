import { joinMain } from '../src/commands/join.js';
import { exitWhenWritten, terminalIo } from './tty.js';

// pnpm room:join (see src/commands/join.ts).
exitWhenWritten(await joinMain(process.argv.slice(2), terminalIo()));
