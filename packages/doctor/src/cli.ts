import { processIo } from '@kit/shared/cli';
import { doctorMain } from './main.js';

// The bin: `pnpm run doctor` with this process's arguments, streams and environment.
const code = await doctorMain(process.argv.slice(2), processIo());
// Exit explicitly, once stdout is written: HTTP agents kept alive by the Twilio library
// must not hold the command open.
process.stdout.write('', () => process.exit(code));
