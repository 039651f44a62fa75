import { processIo } from '@kit/shared/cli';
import { setupTwilioMain } from '../src/commands/setup-twilio.js';

// The bin: the command's main with this process's arguments, streams and environment.
process.exitCode = await setupTwilioMain(process.argv.slice(2), processIo());
