import { processIo } from '@kit/shared/cli';
import { teardownStepMain } from '../src/commands/teardown-step.js';

// The bin: the command's main with this process's arguments, streams and environment.
process.exitCode = await teardownStepMain(process.argv.slice(2), processIo());
