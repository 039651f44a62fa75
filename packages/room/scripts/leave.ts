import { leaveMain } from '../src/commands/leave.js';
import { exitWhenWritten, terminalIo } from './tty.js';

// pnpm room:leave (see src/commands/leave.ts).
exitWhenWritten(await leaveMain(process.argv.slice(2), terminalIo()));
