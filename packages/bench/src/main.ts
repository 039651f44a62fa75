import { processIo } from '@kit/shared/cli';
import { benchMain } from './command.js';

// The bin: `pnpm bench` with this process's arguments, streams and environment.
process.exitCode = await benchMain(process.argv.slice(2), processIo());
