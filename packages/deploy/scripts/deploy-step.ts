import { processIo } from '@kit/shared/cli';
import { deployStepMain } from '../src/commands/deploy-step.js';

// The bin: the command's main with this process's arguments, streams and environment.
process.exitCode = await deployStepMain(process.argv.slice(2), processIo());
